import type { Metadata } from "next";
import { DefaultsPage } from "../../../../src/components/admin/QuotasPages";

export const metadata: Metadata = { title: "Default quotas" };

export default function Page() {
  return <DefaultsPage />;
}
