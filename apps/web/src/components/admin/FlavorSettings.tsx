"use client";
// A flavor's extra specs (key/value rows: add, change, remove) and, for a private flavor, the
// projects granted it (added and removed by name).
import type { Project } from "@nimbus/rpc";
import { useMutation, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../dashboard/trpc";
import type { AdminFlavorView } from "../../trpc/routers/flavors/router";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Select } from "../ui/field";
import { useOutcome } from "./common";

export function FlavorSettings({
  flavor,
  projects,
  onClose,
}: {
  flavor: AdminFlavorView;
  projects: UseQueryResult<Project[], unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`${flavor.name}: extra specs and access`}
      description="Changes apply at once; instances already running keep the specs they were built with."
      className="max-w-xl"
    >
      <div className="space-y-6">
        <ExtraSpecs flavor={flavor} />
        {flavor.access !== null && (
          <Access flavor={flavor} granted={flavor.access} projects={projects} />
        )}
      </div>
    </Dialog>
  );
}

function useFlavorMutations() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const refresh = () => void qc.invalidateQueries(trpc.flavors.pathFilter());
  return {
    spec: useMutation(
      trpc.flavors.setExtraSpec.mutationOptions({
        onSuccess: (_, v) => {
          refresh();
          outcome.done(v.value === null ? `Removed ${v.key}` : `Set ${v.key}=${v.value}`);
        },
        onError: outcome.refused("The extra spec was not changed"),
      }),
    ),
    access: useMutation(
      trpc.flavors.access.mutationOptions({
        onSuccess: refresh,
        onError: outcome.refused("The access was not changed"),
      }),
    ),
  };
}

function ExtraSpecs({ flavor }: { flavor: AdminFlavorView }) {
  const { spec } = useFlavorMutations();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const entries = Object.entries(flavor.extraSpecs);

  function add(e: FormEvent) {
    e.preventDefault();
    if (!key.trim()) return;
    spec.mutate(
      { id: flavor.id, key: key.trim(), value },
      {
        onSuccess: () => {
          setKey("");
          setValue("");
        },
      },
    );
  }

  return (
    <section aria-labelledby="extra-specs-title">
      <h3 id="extra-specs-title" className="mb-2 text-sm font-semibold">
        Extra specs
      </h3>
      {entries.length === 0 && (
        <p className="mb-2 text-sm text-slate-500 dark:text-slate-400">None yet.</p>
      )}
      <ul className="space-y-2">
        {entries.map(([k, v]) => {
          const edited = edits[k] ?? v;
          return (
            <li key={k} className="flex items-center gap-2">
              <span className="w-2/5 truncate font-mono text-sm" title={k}>
                {k}
              </span>
              <Input
                aria-label={`Value of ${k}`}
                value={edited}
                onChange={(e) => setEdits({ ...edits, [k]: e.target.value })}
                className="font-mono"
              />
              <Button
                size="sm"
                unavailable={edited === v ? "Change the value first." : null}
                onClick={() => spec.mutate({ id: flavor.id, key: k, value: edited })}
              >
                Save
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${k}`}
                icon={<X className="size-4" aria-hidden />}
                onClick={() => spec.mutate({ id: flavor.id, key: k, value: null })}
              />
            </li>
          );
        })}
      </ul>
      <form onSubmit={add} className="mt-3 flex flex-wrap items-center gap-2 sm:flex-nowrap">
        <Input
          aria-label="New extra spec key"
          placeholder="key, e.g. hw:cpu_policy"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          className="font-mono"
        />
        <Input
          aria-label="New extra spec value"
          placeholder="value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="font-mono"
        />
        <Button
          type="submit"
          size="sm"
          icon={<Plus className="size-4" aria-hidden />}
          loading={spec.isPending}
          unavailable={key.trim() ? null : "Type a key first."}
        >
          Add
        </Button>
      </form>
    </section>
  );
}

function Access({
  flavor,
  granted,
  projects,
}: {
  flavor: AdminFlavorView;
  granted: string[];
  projects: UseQueryResult<Project[], unknown>;
}) {
  const { access } = useFlavorMutations();
  const [pick, setPick] = useState("");
  const name = (id: string) => projects.data?.find((p) => p.id === id)?.name ?? id;
  const candidates = (projects.data ?? []).filter((p) => !granted.includes(p.id));
  return (
    <section aria-labelledby="access-title">
      <h3 id="access-title" className="mb-2 text-sm font-semibold">
        Projects that may use it
      </h3>
      {granted.length === 0 ? (
        <p className="mb-2 text-sm text-slate-500 dark:text-slate-400">
          No project yet: only administrators see this flavor.
        </p>
      ) : (
        <ul className="mb-3 divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {granted.map((id) => (
            <li key={id} className="flex items-center justify-between px-3 py-1.5 text-sm">
              {name(id)}
              <Button
                size="sm"
                variant="ghost"
                onClick={() => access.mutate({ id: flavor.id, action: "remove", projectId: id })}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (pick) access.mutate({ id: flavor.id, action: "add", projectId: pick });
          setPick("");
        }}
      >
        <Select
          aria-label="Project to grant"
          value={pick}
          onChange={(e) => setPick(e.target.value)}
          disabled={projects.isPending}
        >
          <option value="">
            {projects.isError ? "Projects could not be loaded" : "Choose a project…"}
          </option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
        <Button
          type="submit"
          size="sm"
          loading={access.isPending}
          unavailable={pick ? null : "Choose a project first."}
        >
          Grant
        </Button>
      </form>
    </section>
  );
}
