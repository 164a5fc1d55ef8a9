import type { Metadata } from "next";
import { FlavorsPage } from "../../../../src/components/admin/FlavorsPage";

export const metadata: Metadata = { title: "Flavors" };

export default function Page() {
  return <FlavorsPage />;
}
