import type { Metadata } from "next";
import { ImagesPage } from "../../../../src/components/images/ImagesPage";

export const metadata: Metadata = { title: "Images" };

export default function Page() {
  return <ImagesPage />;
}
