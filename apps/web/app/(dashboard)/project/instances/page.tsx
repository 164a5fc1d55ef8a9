import type { Metadata } from "next";
import { InstancesPage } from "../../../../src/components/instances/InstancesPage";

export const metadata: Metadata = { title: "Instances" };

export default function Page() {
  return <InstancesPage />;
}
