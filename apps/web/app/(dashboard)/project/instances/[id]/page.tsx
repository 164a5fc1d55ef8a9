import type { Metadata } from "next";
import { InstanceDetail } from "../../../../../src/components/instances/InstanceDetail";

export const metadata: Metadata = { title: "Instance" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstanceDetail id={id} />;
}
