"use client";
// Admin › Projects: create, edit (name, description, enabled), delete, and each project's members
// with their roles (grant and revoke member, reader or admin).
import type { Project } from "@nimbus/rpc";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FolderKanban, Plus, Users } from "lucide-react";
import { useState, type FormEvent } from "react";
import { errorMessage, useTRPC, useTRPCClient } from "../../dashboard/trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Select, Textarea } from "../ui/field";
import { Card, Mono, PageHeader } from "../ui/page";
import { ErrorState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { DeleteButton, DeleteDialog, QueryView, useOutcome } from "./common";

export function ProjectsPage() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const projects = useQuery(trpc.identity.projects.queryOptions());
  const [editing, setEditing] = useState<Project | "new" | null>(null);
  const [members, setMembers] = useState<Project | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const createButton = (
    <Button
      variant="primary"
      icon={<Plus className="size-4" aria-hidden />}
      onClick={() => setEditing("new")}
    >
      Create project
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Projects"
        description="Projects own instances and quotas; users work in them through their roles."
        actions={createButton}
      />
      <Card>
        <QueryView
          query={projects}
          isEmpty={(l) => l.length === 0}
          empty={{
            icon: <FolderKanban className="size-5" />,
            title: "No projects",
            action: createButton,
          }}
        >
          {(list) => (
            <Table label="Projects">
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>ID</TH>
                  <TH>Description</TH>
                  <TH>Status</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <tbody>
                {list.map((p) => (
                  <TR key={p.id}>
                    <TD className="font-medium">{p.name}</TD>
                    <TD>
                      <Mono short>{p.id}</Mono>
                    </TD>
                    <TD className="max-w-80 truncate text-slate-600 dark:text-slate-400">
                      {p.description || <span className="text-slate-400">—</span>}
                    </TD>
                    <TD>
                      <Badge tone={p.enabled ? "success" : "neutral"}>
                        {p.enabled ? "enabled" : "disabled"}
                      </Badge>
                    </TD>
                    <TD>
                      <div className="flex justify-end gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          icon={<Users className="size-4" aria-hidden />}
                          aria-label={`Members of ${p.name}`}
                          onClick={() => setMembers(p)}
                        >
                          Members
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Edit ${p.name}`}
                          onClick={() => setEditing(p)}
                        >
                          Edit
                        </Button>
                        <DeleteButton name={p.name} onClick={() => setDeleting(p)} />
                      </div>
                    </TD>
                  </TR>
                ))}
              </tbody>
            </Table>
          )}
        </QueryView>
      </Card>
      {editing && (
        <ProjectDialog
          project={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {members && <MembersDialog project={members} onClose={() => setMembers(null)} />}
      <DeleteDialog
        target={deleting}
        kind="Project"
        description="Its role assignments go with it."
        remove={(id) => client.identity.deleteProject.mutate({ id })}
        onDone={() => void qc.invalidateQueries(trpc.identity.projects.pathFilter())}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function ProjectDialog({ project, onClose }: { project: Project | null; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const [name, setName] = useState(project?.name ?? "");
  const [description, setDescription] = useState(project?.description ?? "");
  const [enabled, setEnabled] = useState(project?.enabled ?? true);
  const saved = (p: Project) => {
    void qc.invalidateQueries(trpc.identity.projects.pathFilter());
    outcome.done(`Project ${p.name} ${project ? "saved" : "created"}`);
    onClose();
  };
  const create = useMutation(trpc.identity.createProject.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.identity.updateProject.mutationOptions({ onSuccess: saved }));
  const error = create.error ?? update.error;
  function submit(e: FormEvent) {
    e.preventDefault();
    const fields = { name, description, enabled };
    if (project) update.mutate({ id: project.id, ...fields });
    else create.mutate(fields);
  }
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={project ? `Edit ${project.name}` : "Create project"}
    >
      <form onSubmit={submit} className="space-y-4">
        <Field label="Name">
          {(ids) => (
            <Input
              {...ids}
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoFocus
            />
          )}
        </Field>
        <Field label="Description">
          {(ids) => (
            <Textarea
              {...ids}
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-sky-600"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          Enabled (its users may sign in to it)
        </label>
        {error && <ErrorState title="Not saved" message={errorMessage(error)} />}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending || update.isPending}>
            {project ? "Save" : "Create project"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The project's role assignments, and a form to grant one. */
function MembersDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const assignments = useQuery(trpc.identity.assignments.queryOptions({ projectId: project.id }));
  const users = useQuery(trpc.identity.users.queryOptions());
  const roles = useQuery(trpc.identity.roles.queryOptions());
  const [userId, setUserId] = useState("");
  const [roleId, setRoleId] = useState("");
  const refresh = () =>
    void qc.invalidateQueries(trpc.identity.assignments.queryFilter({ projectId: project.id }));
  const grant = useMutation(
    trpc.identity.grant.mutationOptions({
      onSuccess: refresh,
      onError: outcome.refused("The role was not granted"),
    }),
  );
  const revoke = useMutation(
    trpc.identity.revoke.mutationOptions({
      onSuccess: refresh,
      onError: outcome.refused("The role was not revoked"),
    }),
  );
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Members of ${project.name}`}
      description="A role on this project lets a user sign in to it: reader sees, member also changes, admin administers the cloud."
      className="max-w-xl"
    >
      <QueryView query={assignments} rows={3}>
        {(list) =>
          list.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Nobody has a role here yet.
            </p>
          ) : (
            <ul
              aria-label="Role assignments"
              className="divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
            >
              {list.map((a) => (
                <li
                  key={`${a.user.id}:${a.role.id}`}
                  className="flex items-center justify-between gap-2 px-3 py-1.5 text-sm"
                >
                  <span>
                    <span className="font-medium">{a.user.name}</span>{" "}
                    <Badge
                      tone={
                        a.role.name === "admin"
                          ? "danger"
                          : a.role.name === "reader"
                            ? "neutral"
                            : "info"
                      }
                    >
                      {a.role.name}
                    </Badge>
                  </span>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Revoke ${a.role.name} from ${a.user.name}`}
                    onClick={() =>
                      revoke.mutate({ projectId: project.id, userId: a.user.id, roleId: a.role.id })
                    }
                  >
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      <form
        className="mt-4 flex flex-wrap items-end gap-2 sm:flex-nowrap"
        onSubmit={(e) => {
          e.preventDefault();
          if (userId && roleId) grant.mutate({ projectId: project.id, userId, roleId });
        }}
      >
        <Field label="User" className="flex-1">
          {(ids) => (
            <Select {...ids} value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">Choose…</option>
              {users.data?.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Role" className="w-36">
          {(ids) => (
            <Select {...ids} value={roleId} onChange={(e) => setRoleId(e.target.value)}>
              <option value="">Choose…</option>
              {roles.data?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button
          type="submit"
          loading={grant.isPending}
          unavailable={userId && roleId ? null : "Choose a user and a role first."}
        >
          Grant
        </Button>
      </form>
    </Dialog>
  );
}
