import { redirect } from "next/navigation";

// The dashboard opens on the project's instances (its layout sends the signed-out to /login).
export default function Home() {
  redirect("/project/instances");
}
