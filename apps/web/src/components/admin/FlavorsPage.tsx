"use client";
// Admin › Flavors: every flavor (private ones with the projects granted them), create, delete after
// a confirmation, and per flavor its extra specs and project access (FlavorSettings).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Cpu, Plus, Settings2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { formatMb } from "../../dashboard/fit";
import { errorMessage, useTRPC, useTRPCClient } from "../../dashboard/trpc";
import type { AdminFlavorView } from "../../trpc/routers/flavors/router";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Textarea } from "../ui/field";
import { Card, Mono, PageHeader } from "../ui/page";
import { ErrorState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { DeleteButton, DeleteDialog, intOrNull, QueryView, useOutcome } from "./common";
import { FlavorSettings } from "./FlavorSettings";

export function FlavorsPage() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const flavors = useQuery(trpc.flavors.all.queryOptions());
  const projects = useQuery(trpc.identity.projects.queryOptions());
  const [creating, setCreating] = useState(false);
  const [managing, setManaging] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<AdminFlavorView | null>(null);
  const projectName = (id: string) => projects.data?.find((p) => p.id === id)?.name ?? id;
  const managed = flavors.data?.find((f) => f.id === managing) ?? null;

  const createButton = (
    <Button
      variant="primary"
      icon={<Plus className="size-4" aria-hidden />}
      onClick={() => setCreating(true)}
    >
      Create flavor
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Flavors"
        description="The sizes instances are launched with. Private flavors are offered only to the projects granted them."
        actions={createButton}
      />
      <Card>
        <QueryView
          query={flavors}
          isEmpty={(list) => list.length === 0}
          empty={{
            icon: <Cpu className="size-5" />,
            title: "No flavors yet",
            text: "Nobody can launch an instance until there is a flavor.",
            action: createButton,
          }}
        >
          {(list) => (
            <Table label="Flavors">
              <THead>
                <tr>
                  <TH>Name</TH>
                  <TH>ID</TH>
                  <TH className="text-right">vCPUs</TH>
                  <TH className="text-right">RAM</TH>
                  <TH className="text-right">Root disk</TH>
                  <TH className="text-right">Ephemeral</TH>
                  <TH className="text-right">Swap</TH>
                  <TH>Visibility</TH>
                  <TH>Extra specs</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <tbody>
                {list.map((f) => (
                  <TR key={f.id}>
                    <TD>
                      <div className="font-medium">{f.name}</div>
                      {f.description && (
                        <div className="max-w-64 truncate text-xs text-slate-500 dark:text-slate-400">
                          {f.description}
                        </div>
                      )}
                    </TD>
                    <TD>
                      <Mono short>{f.id}</Mono>
                    </TD>
                    <TD className="text-right">{f.vcpus}</TD>
                    <TD className="text-right">{formatMb(f.memoryMb)}</TD>
                    <TD className="text-right">{f.rootGb} GB</TD>
                    <TD className="text-right">{f.ephemeralGb} GB</TD>
                    <TD className="text-right">{f.swap ? formatMb(f.swap) : "—"}</TD>
                    <TD>
                      {f.access === null ? (
                        <Badge tone="success">Public</Badge>
                      ) : (
                        <span className="flex flex-wrap items-center gap-1">
                          <Badge tone="warning">Private</Badge>
                          <span className="text-xs text-slate-600 dark:text-slate-400">
                            {f.access.length === 0
                              ? "no project yet"
                              : f.access.map(projectName).join(", ")}
                          </span>
                        </span>
                      )}
                    </TD>
                    <TD>
                      {Object.keys(f.extraSpecs).length === 0 ? (
                        <span className="text-slate-400">—</span>
                      ) : (
                        <ul className="space-y-0.5">
                          {Object.entries(f.extraSpecs).map(([k, v]) => (
                            <li key={k} className="font-mono text-xs">
                              {k}={v}
                            </li>
                          ))}
                        </ul>
                      )}
                    </TD>
                    <TD>
                      <div className="flex justify-end gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Extra specs and access of ${f.name}`}
                          icon={<Settings2 className="size-4" aria-hidden />}
                          onClick={() => setManaging(f.id)}
                        >
                          Manage
                        </Button>
                        <DeleteButton name={f.name} onClick={() => setDeleting(f)} />
                      </div>
                    </TD>
                  </TR>
                ))}
              </tbody>
            </Table>
          )}
        </QueryView>
      </Card>
      <CreateFlavorDialog open={creating} onOpenChange={setCreating} />
      {managed && (
        <FlavorSettings flavor={managed} projects={projects} onClose={() => setManaging(null)} />
      )}
      <DeleteDialog
        target={deleting}
        kind="Flavor"
        description="Instances already running with it keep their copy of it; nobody can launch it any more."
        remove={(id) => client.flavors.delete.mutate({ id })}
        onDone={() => void qc.invalidateQueries(trpc.flavors.pathFilter())}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

const EMPTY_FORM = {
  name: "",
  vcpus: "1",
  memoryMb: "512",
  rootGb: "1",
  ephemeralGb: "0",
  swap: "0",
  description: "",
  isPublic: true,
};

function CreateFlavorDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const [form, setForm] = useState(EMPTY_FORM);
  const [invalid, setInvalid] = useState<string | null>(null);
  const create = useMutation(
    trpc.flavors.create.mutationOptions({
      onSuccess: (f) => {
        outcome.done(`Flavor ${f.name} created`);
        void qc.invalidateQueries(trpc.flavors.pathFilter());
        setForm(EMPTY_FORM);
        onOpenChange(false);
      },
    }),
  );
  const numbers = [
    ["vcpus", "vCPUs", 1],
    ["memoryMb", "RAM (MB)", 1],
    ["rootGb", "Root disk (GB)", 0],
    ["ephemeralGb", "Ephemeral disk (GB)", 0],
    ["swap", "Swap (MB)", 0],
  ] as const;

  function submit(e: FormEvent) {
    e.preventDefault();
    const values = Object.fromEntries(numbers.map(([key]) => [key, intOrNull(form[key])]));
    const bad = numbers.find(([key, , min]) => values[key] === null || values[key]! < min);
    if (!form.name.trim()) return setInvalid("Give the flavor a name.");
    if (bad) return setInvalid(`${bad[1]} must be a whole number of at least ${bad[2]}.`);
    setInvalid(null);
    create.mutate({
      name: form.name,
      vcpus: values.vcpus!,
      memoryMb: values.memoryMb!,
      rootGb: values.rootGb!,
      ephemeralGb: values.ephemeralGb!,
      swap: values.swap!,
      isPublic: form.isPublic,
      description: form.description || null,
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create flavor"
      description="A private flavor is offered to no project until you grant it one."
      className="max-w-lg"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name">
          {(ids) => (
            <Input
              {...ids}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              autoFocus
            />
          )}
        </Field>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
          {numbers.map(([key, label, min]) => (
            <Field key={key} label={label}>
              {(ids) => (
                <Input
                  {...ids}
                  type="number"
                  min={min}
                  inputMode="numeric"
                  value={form[key]}
                  onChange={(e) => setForm({ ...form, [key]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
        <Field label="Description" hint="Optional; shown to whoever may launch it.">
          {(ids) => (
            <Textarea
              {...ids}
              rows={2}
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-sky-600"
            checked={form.isPublic}
            onChange={(e) => setForm({ ...form, isPublic: e.target.checked })}
          />
          Public (every project may use it)
        </label>
        {(invalid ?? create.error) && (
          <ErrorState
            title="The flavor was not created"
            message={invalid ?? errorMessage(create.error)}
          />
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            Create flavor
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
