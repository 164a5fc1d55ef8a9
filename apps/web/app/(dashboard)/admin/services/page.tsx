import type { Metadata } from "next";
import { ServicesPage } from "../../../../src/components/admin/ServicesPage";

export const metadata: Metadata = { title: "Compute services" };

export default function Page() {
  return <ServicesPage />;
}
