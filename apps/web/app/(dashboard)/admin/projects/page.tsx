import type { Metadata } from "next";
import { ProjectsPage } from "../../../../src/components/admin/ProjectsPage";

export const metadata: Metadata = { title: "Projects" };

export default function Page() {
  return <ProjectsPage />;
}
