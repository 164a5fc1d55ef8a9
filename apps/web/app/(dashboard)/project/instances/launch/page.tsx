import type { Metadata } from "next";
import { LaunchWizard } from "../../../../../src/components/instances/LaunchWizard";

export const metadata: Metadata = { title: "Launch instance" };

export default function Page() {
  return <LaunchWizard />;
}
