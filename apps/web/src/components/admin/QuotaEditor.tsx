"use client";
// A form of quota limits, one row per resource (-1: unlimited), with what is in use and the
// default beside each when known. Only the limits that changed are sent.
import type { QuotaChanges, QuotaResource, QuotaSet, QuotaUsage } from "@nimbus/rpc";
import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { Input } from "../ui/field";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { intOrNull } from "./common";

/** The resources people set, first; Nova's legacy network ones are left out (always -1). */
const RESOURCES: Array<[QuotaResource, string]> = [
  ["instances", "Instances"],
  ["cores", "vCPUs"],
  ["ram", "RAM (MB)"],
  ["key_pairs", "Key pairs"],
  ["server_groups", "Server groups"],
  ["server_group_members", "Server group members"],
  ["metadata_items", "Metadata items"],
  ["injected_files", "Injected files"],
  ["injected_file_content_bytes", "Injected file content (bytes)"],
  ["injected_file_path_bytes", "Injected file path (bytes)"],
];

const shown = (n: number) => (n < 0 ? "unlimited" : n.toLocaleString());

export function QuotaEditor({
  label,
  limits,
  usage,
  defaults,
  saving,
  onSave,
}: {
  label: string;
  limits: QuotaSet;
  usage?: QuotaUsage;
  defaults?: QuotaSet;
  saving: boolean;
  onSave: (changes: QuotaChanges) => void;
}) {
  const [edits, setEdits] = useState<Partial<Record<QuotaResource, string>>>({});
  const [invalid, setInvalid] = useState<string | null>(null);
  const changes: QuotaChanges = {};
  for (const [r, text] of Object.entries(edits) as Array<[QuotaResource, string]>) {
    const n = intOrNull(text);
    if (n !== limits[r]) changes[r] = n ?? NaN;
  }
  const changed = Object.keys(changes).length;

  function submit(e: FormEvent) {
    e.preventDefault();
    const bad = RESOURCES.find(([r]) => r in changes && !(changes[r]! >= -1));
    if (bad) return setInvalid(`${bad[1]}: a whole number, or -1 for unlimited.`);
    setInvalid(null);
    onSave(changes);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Table label={label}>
        <THead>
          <tr>
            <TH>Resource</TH>
            {usage && <TH className="text-right">In use</TH>}
            <TH className="w-40">Limit</TH>
            {defaults && <TH className="text-right">Default</TH>}
          </tr>
        </THead>
        <tbody>
          {RESOURCES.map(([r, name]) => {
            const used = usage && r in usage ? usage[r as keyof QuotaUsage] : null;
            const over = used !== null && limits[r] >= 0 && used > limits[r];
            return (
              <TR key={r}>
                <TD className="font-medium">{name}</TD>
                {usage && (
                  <TD
                    className={over ? "text-right text-rose-700 dark:text-rose-400" : "text-right"}
                  >
                    {used === null ? (
                      <span className="text-slate-400">—</span>
                    ) : (
                      used.toLocaleString()
                    )}
                  </TD>
                )}
                <TD className="py-1.5">
                  <Input
                    aria-label={`${name} limit`}
                    inputMode="numeric"
                    inline
                    className="w-32 text-right tabular-nums"
                    value={edits[r] ?? String(limits[r])}
                    onChange={(e) => setEdits({ ...edits, [r]: e.target.value })}
                  />
                </TD>
                {defaults && (
                  <TD className="text-right text-slate-500 dark:text-slate-400">
                    {shown(defaults[r])}
                  </TD>
                )}
              </TR>
            );
          })}
        </tbody>
      </Table>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 dark:border-slate-800">
        <p
          className="text-xs text-slate-500 dark:text-slate-400"
          role={invalid ? "alert" : undefined}
        >
          {invalid ?? "-1 means unlimited."}
        </p>
        <div className="flex gap-2">
          <Button
            unavailable={changed ? null : "Nothing changed."}
            onClick={() => {
              setEdits({});
              setInvalid(null);
            }}
          >
            Discard
          </Button>
          <Button
            type="submit"
            variant="primary"
            loading={saving}
            unavailable={changed ? null : "Change a limit first."}
          >
            Save {changed > 0 && `${changed} change${changed === 1 ? "" : "s"}`}
          </Button>
        </div>
      </div>
    </form>
  );
}
