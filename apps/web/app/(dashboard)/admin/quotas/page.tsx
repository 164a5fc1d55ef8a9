import type { Metadata } from "next";
import { ProjectQuotasPage } from "../../../../src/components/admin/QuotasPages";

export const metadata: Metadata = { title: "Project quotas" };

export default function Page() {
  return <ProjectQuotasPage />;
}
