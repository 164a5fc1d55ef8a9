import { redirect } from "next/navigation";

// The dashboard will live here; until there is a session to show it to, everyone signs in first.
export default function Home() {
  redirect("/login");
}
