import type { Metadata } from "next";
import { UsagePage } from "../../../../src/components/usage/UsagePage";

export const metadata: Metadata = { title: "Usage across projects" };

export default function Page() {
  return <UsagePage />;
}
