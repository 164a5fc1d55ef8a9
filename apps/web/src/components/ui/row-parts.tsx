"use client";
// Cells that resource tables share: an age that shows its exact time on hover, the header of the
// actions column (named for screen readers only), and a row's delete button (named after the row).
import { Trash2 } from "lucide-react";
import { ago } from "../../dashboard/format";
import { Button } from "./button";
import { TD, TH } from "./table";

export function AgeTD({ iso, now }: { iso: string; now: number }) {
  return (
    <TD className="whitespace-nowrap text-slate-600 dark:text-slate-400">
      <time dateTime={iso} title={iso}>
        {ago(iso, now)}
      </time>
    </TD>
  );
}

export function ActionsTH() {
  return (
    <TH className="w-0">
      <span className="sr-only">Actions</span>
    </TH>
  );
}

export function DeleteTD({
  name,
  unavailable,
  onClick,
}: {
  name: string;
  unavailable: string | null;
  onClick: () => void;
}) {
  return (
    <TD>
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Delete ${name}`}
        icon={<Trash2 className="size-4" aria-hidden />}
        unavailable={unavailable}
        onClick={onClick}
      />
    </TD>
  );
}
