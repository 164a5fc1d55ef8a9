import type { Metadata } from "next";
import { KeyPairsPage } from "../../../../src/components/key-pairs/KeyPairsPage";

export const metadata: Metadata = { title: "Key pairs" };

export default function Page() {
  return <KeyPairsPage />;
}
