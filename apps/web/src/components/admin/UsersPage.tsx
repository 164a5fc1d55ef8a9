"use client";
// Admin › Users: create (with a password and a default project), edit, enable/disable, change the
// password, delete. Their roles are granted per project (Admin › Projects › Members).
import type { User } from "@nimbus/rpc";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, UserRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useSession } from "../../dashboard/session";
import { errorMessage, useTRPC, useTRPCClient } from "../../dashboard/trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Select } from "../ui/field";
import { Card, Mono, PageHeader } from "../ui/page";
import { ErrorState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { DeleteButton, DeleteDialog, QueryView, useOutcome } from "./common";

export function UsersPage() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const session = useSession();
  const users = useQuery(trpc.identity.users.queryOptions());
  const projects = useQuery(trpc.identity.projects.queryOptions());
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const projectName = (id: string | null) =>
    id ? (projects.data?.find((p) => p.id === id)?.name ?? id) : null;
  const createButton = (
    <Button
      variant="primary"
      icon={<Plus className="size-4" aria-hidden />}
      onClick={() => setEditing("new")}
    >
      Create user
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Users"
        description="Who may sign in. Roles on projects are granted from each project's members."
        actions={createButton}
      />
      <Card>
        <QueryView
          query={users}
          isEmpty={(l) => l.length === 0}
          empty={{
            icon: <UserRound className="size-5" />,
            title: "No users",
            action: createButton,
          }}
        >
          {(list) => (
            <Table label="Users">
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>ID</TH>
                  <TH>Email</TH>
                  <TH>Default project</TH>
                  <TH>Status</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <tbody>
                {list.map((u) => (
                  <TR key={u.id}>
                    <TD className="font-medium">{u.name}</TD>
                    <TD>
                      <Mono short>{u.id}</Mono>
                    </TD>
                    <TD>{u.email ?? <span className="text-slate-400">—</span>}</TD>
                    <TD>
                      {projectName(u.defaultProjectId) ?? <span className="text-slate-400">—</span>}
                    </TD>
                    <TD>
                      <Badge tone={u.enabled ? "success" : "neutral"}>
                        {u.enabled ? "enabled" : "disabled"}
                      </Badge>
                    </TD>
                    <TD>
                      <div className="flex justify-end gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Edit ${u.name}`}
                          onClick={() => setEditing(u)}
                        >
                          Edit
                        </Button>
                        <DeleteButton
                          name={u.name}
                          unavailable={
                            u.id === session.userId ? "You cannot delete yourself." : null
                          }
                          onClick={() => setDeleting(u)}
                        />
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
        <UserDialog user={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      )}
      <DeleteDialog
        target={deleting}
        kind="User"
        description="Their role assignments and tokens go with them."
        remove={(id) => client.identity.deleteUser.mutate({ id })}
        onDone={() => void qc.invalidateQueries(trpc.identity.users.pathFilter())}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const projects = useQuery(trpc.identity.projects.queryOptions());
  const [name, setName] = useState(user?.name ?? "");
  const [email, setEmail] = useState(user?.email ?? "");
  const [password, setPassword] = useState("");
  const [defaultProjectId, setDefaultProjectId] = useState(user?.defaultProjectId ?? "");
  const [enabled, setEnabled] = useState(user?.enabled ?? true);
  const saved = (u: User) => {
    void qc.invalidateQueries(trpc.identity.users.pathFilter());
    outcome.done(`User ${u.name} ${user ? "saved" : "created"}`);
    onClose();
  };
  const create = useMutation(trpc.identity.createUser.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.identity.updateUser.mutationOptions({ onSuccess: saved }));
  const error = create.error ?? update.error;
  function submit(e: FormEvent) {
    e.preventDefault();
    const fields = {
      name,
      email: email.trim() || null,
      defaultProjectId: defaultProjectId || null,
      enabled,
    };
    if (user) update.mutate({ id: user.id, ...fields, ...(password && { password }) });
    else create.mutate({ ...fields, password });
  }
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={user ? `Edit ${user.name}` : "Create user"}
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
        <Field
          label={user ? "New password" : "Password"}
          hint={user ? "Leave empty to keep the current one." : undefined}
        >
          {(ids) => (
            <Input
              {...ids}
              type="password"
              autoComplete="new-password"
              required={!user}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label="Email" hint="Optional.">
          {(ids) => (
            <Input {...ids} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label="Default project" hint="Grant a role there too, from the project's members.">
          {(ids) => (
            <Select
              {...ids}
              value={defaultProjectId}
              onChange={(e) => setDefaultProjectId(e.target.value)}
            >
              <option value="">None</option>
              {projects.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-sky-600"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          Enabled (may sign in)
        </label>
        {error && <ErrorState title="Not saved" message={errorMessage(error)} />}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending || update.isPending}>
            {user ? "Save" : "Create user"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
