"use client";
// Admin › Defaults (the `default` quota class every project falls back to) and Admin › Quotas (one
// project's limits beside its usage and the defaults).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Gauge } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../../dashboard/trpc";
import { Field, Select } from "../ui/field";
import { Card, PageHeader } from "../ui/page";
import { EmptyState } from "../ui/states";
import { QueryView, useOutcome } from "./common";
import { QuotaEditor } from "./QuotaEditor";

export function DefaultsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const defaults = useQuery(trpc.quotas.defaults.queryOptions());
  const save = useMutation(
    trpc.quotas.updateDefaults.mutationOptions({
      onSuccess: (limits) => {
        qc.setQueryData(trpc.quotas.defaults.queryKey(), limits);
        void qc.invalidateQueries(trpc.quotas.ofProject.pathFilter());
        outcome.done("Default quotas saved");
      },
      onError: outcome.refused("The defaults were not saved"),
    }),
  );
  return (
    <>
      <PageHeader
        title="Default quotas"
        description="The limits of every project that sets none of its own."
      />
      <Card className="max-w-3xl">
        <QueryView query={defaults} rows={8}>
          {(limits) => (
            <QuotaEditor
              key={JSON.stringify(limits)}
              label="Default quotas"
              limits={limits}
              saving={save.isPending}
              onSave={(changes) => save.mutate({ limits: changes })}
            />
          )}
        </QueryView>
      </Card>
    </>
  );
}

export function ProjectQuotasPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const outcome = useOutcome();
  const projects = useQuery(trpc.identity.projects.queryOptions());
  const [projectId, setProjectId] = useState("");
  const quotas = useQuery({
    ...trpc.quotas.ofProject.queryOptions({ projectId }),
    enabled: !!projectId,
  });
  const name = projects.data?.find((p) => p.id === projectId)?.name ?? "";
  const save = useMutation(
    trpc.quotas.update.mutationOptions({
      onSuccess: (q, v) => {
        qc.setQueryData(trpc.quotas.ofProject.queryKey({ projectId: v.projectId }), q);
        outcome.done(`Quotas of ${name} saved`);
      },
      onError: outcome.refused("The quotas were not saved"),
    }),
  );
  return (
    <>
      <PageHeader
        title="Project quotas"
        description="A project's own limits, beside what it uses now and the defaults."
      />
      <Card className="max-w-3xl">
        <div className="border-b border-slate-200 p-4 dark:border-slate-800">
          <Field
            label="Project"
            className="max-w-sm"
            error={projects.isError ? projects.error.message : null}
          >
            {(ids) => (
              <Select
                {...ids}
                value={projectId}
                onChange={(e) => setProjectId(e.target.value)}
                disabled={projects.isPending}
              >
                <option value="">{projects.isPending ? "Loading…" : "Choose a project…"}</option>
                {projects.data?.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        {!projectId ? (
          <EmptyState icon={<Gauge className="size-5" />} title="No project chosen">
            Choose a project to see and change its limits.
          </EmptyState>
        ) : (
          <QueryView query={quotas} rows={8}>
            {(q) => (
              <QuotaEditor
                key={`${projectId}:${JSON.stringify(q.limits)}`}
                label={`Quotas of ${name}`}
                limits={q.limits}
                usage={q.usage}
                defaults={q.defaults}
                saving={save.isPending}
                onSave={(changes) => save.mutate({ projectId, limits: changes })}
              />
            )}
          </QueryView>
        )}
      </Card>
    </>
  );
}
