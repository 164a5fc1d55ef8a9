import type { Metadata } from "next";
import { UsersPage } from "../../../../src/components/admin/UsersPage";

export const metadata: Metadata = { title: "Users" };

export default function Page() {
  return <UsersPage />;
}
