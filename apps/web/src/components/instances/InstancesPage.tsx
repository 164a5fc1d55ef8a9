"use client";
import { useSession } from "../../dashboard/session";
import { PageHeader } from "../ui/page";
import { InstancesTable } from "./InstancesTable";

export function InstancesPage({ allProjects = false }: { allProjects?: boolean }) {
  const session = useSession();
  return (
    <>
      <PageHeader
        title={allProjects ? "All instances" : "Instances"}
        description={
          allProjects
            ? "Every project's instances, with the host each runs on."
            : `Virtual machines in ${session.projectName}. Status changes appear as they happen.`
        }
      />
      <InstancesTable allProjects={allProjects} />
    </>
  );
}
