"use client";
// The launch wizard, on one page: name and count, image, flavor, key pair, server group, zone and
// metadata, with the projected quota beside it. A flavor that cannot fit the project's remaining
// quota (× count), any host's free capacity, or the image is greyed out with the reason, so the
// Launch button never sends what the API would refuse for that.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Plus, Rocket, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type ReactNode } from "react";
import { diskGbOf, formatMb, imageRefusal, quotaRefusal } from "../../dashboard/fit";
import { bytes } from "../../dashboard/format";
import { useCan } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import { MAX_METADATA_ITEMS } from "../../trpc/routers/servers/launch.schema";
import { Button, ButtonLink } from "../ui/button";
import { cn } from "../ui/cn";
import { Field, Input, Select } from "../ui/field";
import { Card, PageHeader } from "../ui/page";
import { UsageBar } from "../ui/progress";
import { ErrorState, SkeletonRows } from "../ui/states";
import { useToast } from "../ui/toast";

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="border-b border-slate-200 px-4 py-5 last:border-0 sm:px-5 dark:border-slate-800"
    >
      <h2 id={id} className="text-sm font-semibold">
        {title}
      </h2>
      {description && (
        <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">{description}</p>
      )}
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** A radio row in a choice table: the whole row picks it; a row that cannot be picked says why. */
function ChoiceRow({
  name,
  value,
  checked,
  onChange,
  reason,
  cells,
}: {
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  reason: string | null;
  cells: ReactNode[];
}) {
  const id = useId();
  return (
    <tr
      onClick={() => !reason && onChange()}
      className={cn(
        "border-b border-slate-100 last:border-0 dark:border-slate-800",
        reason
          ? "text-slate-400 dark:text-slate-500"
          : "cursor-pointer hover:bg-slate-50 dark:hover:bg-slate-800/50",
        checked && "bg-sky-50 dark:bg-sky-950/40",
      )}
      data-unavailable={reason ? "true" : undefined}
    >
      <td className="w-8 py-2 pr-0 pl-3">
        <input
          id={id}
          type="radio"
          name={name}
          value={value}
          checked={checked}
          disabled={!!reason}
          onChange={onChange}
          aria-describedby={reason ? `${id}-why` : undefined}
        />
      </td>
      {cells.map((cell, i) => (
        <td key={i} className={cn("px-3 py-2 whitespace-nowrap", i === 0 && "font-medium")}>
          {i === 0 ? <label htmlFor={id}>{cell}</label> : cell}
        </td>
      ))}
      <td className="px-3 py-2 text-xs">
        {reason && (
          <span id={`${id}-why`} className="text-amber-700 dark:text-amber-400">
            {reason}
          </span>
        )}
      </td>
    </tr>
  );
}

interface MetaRow {
  key: string;
  value: string;
}

export function LaunchWizard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const can = useCan();
  const [name, setName] = useState("");
  const [count, setCount] = useState(1);
  const [imageRef, setImageRef] = useState("");
  const [flavorRef, setFlavorRef] = useState("");
  const [keyName, setKeyName] = useState("");
  const [group, setGroup] = useState("");
  const [zone, setZone] = useState("");
  const [meta, setMeta] = useState<MetaRow[]>([]);
  const [tried, setTried] = useState(false);

  // Quota and capacity are read afresh whenever the wizard opens.
  const fresh = { staleTime: 0 };
  const images = useQuery(trpc.images.list.queryOptions({ status: "active" }));
  const flavors = useQuery(trpc.flavors.list.queryOptions());
  const capacity = useQuery({
    ...trpc.flavors.capacity.queryOptions({ zone: zone || null }),
    ...fresh,
  });
  const quota = useQuery({ ...trpc.quotas.mine.queryOptions(), ...fresh });
  const keyPairs = useQuery(trpc.keyPairs.list.queryOptions());
  const groups = useQuery(trpc.serverGroups.list.queryOptions());
  const zones = useQuery(trpc.availabilityZones.list.queryOptions());

  const image = images.data?.find((i) => i.id === imageRef);
  const flavor = flavors.data?.find((f) => f.id === flavorRef);

  /** Why each flavor cannot be launched now (null: it can). */
  const flavorReasons = useMemo(() => {
    const reasons = new Map<string, string | null>();
    for (const f of flavors.data ?? []) {
      reasons.set(
        f.id,
        (quota.data && quotaRefusal(f, count, quota.data)) ??
          capacity.data?.flavors[f.id] ??
          (image ? imageRefusal(f, image) : null),
      );
    }
    return reasons;
  }, [flavors.data, quota.data, capacity.data, image, count]);
  const flavorReason = flavorRef ? (flavorReasons.get(flavorRef) ?? null) : null;

  const metaKeys = meta.map((m) => m.key.trim());
  const metaError = metaKeys.some((k) => !k)
    ? "Every metadata row needs a key."
    : new Set(metaKeys).size < metaKeys.length
      ? "Metadata keys must differ."
      : null;
  const problems = {
    name: !name.trim() ? "Give the instance a name." : null,
    image: !imageRef ? "Choose an image." : null,
    flavor: !flavorRef
      ? "Choose a flavor."
      : flavorReason
        ? `This flavor cannot be launched: ${flavorReason}.`
        : null,
    meta: metaError,
  };
  const firstProblem = Object.values(problems).find(Boolean) ?? null;
  const blocked = can("servers:create") ? null : "Your role here (reader) cannot launch instances.";

  const launch = useMutation(
    trpc.servers.launch.mutationOptions({
      onSuccess: (res) => {
        void qc.invalidateQueries(trpc.servers.list.pathFilter());
        void qc.invalidateQueries(trpc.quotas.pathFilter());
        toast({
          tone: "success",
          title:
            res.ids.length === 1 ? `Launching ${name}` : `Launching ${res.ids.length} instances`,
          message: `Watch ${res.ids.length === 1 ? "it" : "them"} build in the list.`,
        });
        router.push("/project/instances");
      },
    }),
  );

  const submit = () => {
    setTried(true);
    if (firstProblem || blocked) return;
    launch.mutate({
      name: name.trim(),
      count,
      imageRef,
      flavorRef,
      keyName: keyName || null,
      serverGroup: group || null,
      availabilityZone: zone || null,
      metadata: Object.fromEntries(meta.map((m) => [m.key.trim(), m.value])),
      description: null,
    });
  };

  const adding = flavor
    ? { instances: count, cores: flavor.vcpus * count, ram: flavor.memoryMb * count }
    : { instances: count, cores: 0, ram: 0 };

  return (
    <>
      <PageHeader
        title="Launch instance"
        breadcrumb={
          <ButtonLink
            href="/project/instances"
            variant="ghost"
            size="sm"
            className="-ml-2.5"
            icon={<ArrowLeft className="size-4" aria-hidden />}
          >
            Instances
          </ButtonLink>
        }
      />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_20rem]"
      >
        <Card>
          <Section title="Details">
            <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_8rem]">
              <Field
                label="Name"
                error={tried ? problems.name : null}
                hint={
                  count > 1 ? `Named ${name || "name"}-1 … ${name || "name"}-${count}.` : undefined
                }
              >
                {(ids) => (
                  <Input
                    {...ids}
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    maxLength={255}
                    autoFocus
                  />
                )}
              </Field>
              <Field label="Count">
                {(ids) => (
                  <Input
                    {...ids}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={100}
                    value={count}
                    onChange={(e) =>
                      setCount(Math.max(1, Math.min(100, Math.floor(Number(e.target.value)) || 1)))
                    }
                  />
                )}
              </Field>
            </div>
          </Section>

          <Section title="Image" description="The disk the instance boots from.">
            {images.isPending ? (
              <SkeletonRows rows={2} className="p-0" />
            ) : images.isError ? (
              <ErrorState
                message={errorMessage(images.error)}
                onRetry={() => void images.refetch()}
              />
            ) : images.data.length === 0 ? (
              <p className="text-sm text-slate-500">No active image is visible to this project.</p>
            ) : (
              <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
                <table className="w-full text-left text-sm tabular-nums" aria-label="Images">
                  <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-900/60 dark:text-slate-400">
                    <tr>
                      <th className="w-8" />
                      <th className="px-3 py-2 font-medium">Name</th>
                      <th className="px-3 py-2 font-medium">Format</th>
                      <th className="px-3 py-2 font-medium">Size</th>
                      <th className="px-3 py-2 font-medium">Visibility</th>
                      <th className="px-3 py-2" />
                    </tr>
                  </thead>
                  <tbody>
                    {images.data.map((i) => (
                      <ChoiceRow
                        key={i.id}
                        name="image"
                        value={i.id}
                        checked={imageRef === i.id}
                        onChange={() => setImageRef(i.id)}
                        reason={null}
                        cells={[i.name ?? i.id, i.diskFormat ?? "—", bytes(i.size), i.visibility]}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {tried && problems.image && (
              <p className="mt-2 text-xs font-medium text-rose-600">{problems.image}</p>
            )}
          </Section>

          <Section
            title="Flavor"
            description={
              capacity.data
                ? `The instance's size. Largest free on one host${zone ? ` in ${zone}` : ""}: ${capacity.data.largest.vcpus} vCPUs, ${formatMb(capacity.data.largest.ramMb)} RAM, ${capacity.data.largest.diskGb} GB disk.`
                : "The instance's size."
            }
          >
            {flavors.isPending ? (
              <SkeletonRows rows={3} className="p-0" />
            ) : flavors.isError ? (
              <ErrorState
                message={errorMessage(flavors.error)}
                onRetry={() => void flavors.refetch()}
              />
            ) : (
              <>
                {(capacity.isError || quota.isError) && (
                  <ErrorState
                    className="mb-3"
                    title="What fits could not be checked"
                    message={errorMessage(capacity.error ?? quota.error)}
                    onRetry={() => void (capacity.refetch(), quota.refetch())}
                  />
                )}
                <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
                  <table className="w-full text-left text-sm tabular-nums" aria-label="Flavors">
                    <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-900/60 dark:text-slate-400">
                      <tr>
                        <th className="w-8" />
                        <th className="px-3 py-2 font-medium">Name</th>
                        <th className="px-3 py-2 font-medium">vCPUs</th>
                        <th className="px-3 py-2 font-medium">RAM</th>
                        <th className="px-3 py-2 font-medium">Disk</th>
                        <th className="px-3 py-2 font-medium">
                          <span className="sr-only">Why not</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {flavors.data.map((f) => (
                        <ChoiceRow
                          key={f.id}
                          name="flavor"
                          value={f.id}
                          checked={flavorRef === f.id}
                          onChange={() => setFlavorRef(f.id)}
                          reason={flavorReasons.get(f.id) ?? null}
                          cells={[f.name, f.vcpus, formatMb(f.memoryMb), `${diskGbOf(f)} GB`]}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
            {tried && problems.flavor && (
              <p className="mt-2 text-xs font-medium text-rose-600">{problems.flavor}</p>
            )}
          </Section>

          <Section title="Placement and access">
            <div className="grid gap-4 sm:grid-cols-3">
              <Field
                label="Key pair"
                hint={keyPairs.data?.length === 0 ? "You have no key pair." : undefined}
                error={keyPairs.isError ? errorMessage(keyPairs.error) : null}
              >
                {(ids) => (
                  <Select {...ids} value={keyName} onChange={(e) => setKeyName(e.target.value)}>
                    <option value="">None</option>
                    {keyPairs.data?.map((k) => (
                      <option key={k.name} value={k.name}>
                        {k.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field
                label="Server group"
                error={groups.isError ? errorMessage(groups.error) : null}
              >
                {(ids) => (
                  <Select {...ids} value={group} onChange={(e) => setGroup(e.target.value)}>
                    <option value="">None</option>
                    {groups.data?.map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.name} ({g.policy})
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field
                label="Availability zone"
                error={zones.isError ? errorMessage(zones.error) : null}
              >
                {(ids) => (
                  <Select {...ids} value={zone} onChange={(e) => setZone(e.target.value)}>
                    <option value="">Any zone</option>
                    {zones.data?.map((z) => (
                      <option key={z.name} value={z.name} disabled={!z.available}>
                        {z.name}
                        {!z.available && " (no host up)"}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
          </Section>

          <Section title="Metadata" description="Key/value pairs stored with the instance.">
            {meta.length > 0 && (
              <ul className="mb-3 space-y-2">
                {meta.map((row, i) => (
                  <li key={i} className="flex gap-2">
                    <Input
                      aria-label={`Metadata key ${i + 1}`}
                      placeholder="key"
                      value={row.key}
                      maxLength={255}
                      onChange={(e) =>
                        setMeta((m) =>
                          m.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)),
                        )
                      }
                    />
                    <Input
                      aria-label={`Metadata value ${i + 1}`}
                      placeholder="value"
                      value={row.value}
                      maxLength={255}
                      onChange={(e) =>
                        setMeta((m) =>
                          m.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)),
                        )
                      }
                    />
                    <Button
                      variant="ghost"
                      aria-label={`Remove metadata row ${i + 1}`}
                      icon={<Trash2 className="size-4" aria-hidden />}
                      onClick={() => setMeta((m) => m.filter((_, j) => j !== i))}
                    />
                  </li>
                ))}
              </ul>
            )}
            <Button
              size="sm"
              icon={<Plus className="size-4" aria-hidden />}
              disabled={meta.length >= MAX_METADATA_ITEMS}
              onClick={() => setMeta((m) => [...m, { key: "", value: "" }])}
            >
              Add metadata
            </Button>
            {tried && problems.meta && (
              <p className="mt-2 text-xs font-medium text-rose-600">{problems.meta}</p>
            )}
          </Section>
        </Card>

        <div className="space-y-4 lg:sticky lg:top-20">
          <Card title="Quota after launch">
            <div className="space-y-4 p-4">
              {quota.isPending ? (
                <SkeletonRows rows={3} className="p-0" />
              ) : quota.isError ? (
                <ErrorState
                  message={errorMessage(quota.error)}
                  onRetry={() => void quota.refetch()}
                />
              ) : (
                <>
                  <UsageBar
                    label="Instances"
                    used={quota.data.usage.instances}
                    adding={adding.instances}
                    limit={quota.data.limits.instances}
                  />
                  <UsageBar
                    label="vCPUs"
                    used={quota.data.usage.cores}
                    adding={adding.cores}
                    limit={quota.data.limits.cores}
                  />
                  <UsageBar
                    label="RAM"
                    used={quota.data.usage.ram}
                    adding={adding.ram}
                    limit={quota.data.limits.ram}
                    format={formatMb}
                  />
                  {!flavor && (
                    <p className="text-xs text-slate-500 dark:text-slate-400">
                      Choose a flavor to see what the launch adds.
                    </p>
                  )}
                </>
              )}
            </div>
          </Card>
          {launch.isError && (
            <ErrorState title="The launch was refused" message={errorMessage(launch.error)} />
          )}
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            icon={<Rocket className="size-4" aria-hidden />}
            loading={launch.isPending}
            unavailable={blocked}
          >
            {count > 1 ? `Launch ${count} instances` : "Launch instance"}
          </Button>
          {tried && firstProblem && (
            <p role="alert" className="text-center text-xs font-medium text-rose-600">
              {firstProblem}
            </p>
          )}
        </div>
      </form>
    </>
  );
}
