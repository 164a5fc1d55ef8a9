import type { Metadata } from "next";
import { HypervisorsPage } from "../../../../src/components/admin/HypervisorsPage";

export const metadata: Metadata = { title: "Hypervisors" };

export default function Page() {
  return <HypervisorsPage />;
}
