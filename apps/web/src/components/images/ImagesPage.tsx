"use client";
// Images the project can see: list, upload (UploadImageDialog), delete after a confirmation. What
// the role or the image's owner does not allow is greyed out with the reason; a protected image is
// refused by the API, in its words.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Disc3, Lock, Upload } from "lucide-react";
import { useState } from "react";
import { useNow } from "../../dashboard/clock";
import { bytes } from "../../dashboard/format";
import { useCan, useSession } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import type { imageViewSchema } from "../../trpc/routers/images/router";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { Card, Mono, PageHeader } from "../ui/page";
import { ActionsTH, AgeTD, DeleteTD } from "../ui/row-parts";
import { QueryBody } from "../ui/query";
import { EmptyState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { useToast } from "../ui/toast";
import { Tip } from "../ui/tooltip";
import { UploadImageDialog } from "./UploadImageDialog";
import type { z } from "zod";

type ImageView = z.infer<typeof imageViewSchema>;

const STATUS_TONES: Record<string, Tone> = {
  active: "success",
  queued: "warning",
  saving: "info",
  importing: "info",
  killed: "danger",
  deactivated: "neutral",
};

export function ImagesPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const can = useCan();
  const session = useSession();
  const now = useNow();
  const list = useQuery(trpc.images.list.queryOptions({}));
  const [uploading, setUploading] = useState(false);
  const [deleting, setDeleting] = useState<ImageView | null>(null);
  const remove = useMutation(
    trpc.images.delete.mutationOptions({
      onSuccess: () => {
        toast({ tone: "success", title: `Image ${deleting?.name ?? ""} deleted` });
        void qc.invalidateQueries(trpc.images.pathFilter());
      },
      onError: (err) =>
        toast({
          tone: "error",
          title: `${deleting?.name ?? "The image"} was not deleted`,
          message: errorMessage(err),
        }),
      onSettled: () => setDeleting(null),
    }),
  );

  const writeBlocked = can("images:write") ? null : "Your role here (reader) cannot change images.";
  const deleteBlocked = (i: ImageView) =>
    writeBlocked ??
    (i.owner !== session.projectId && !session.isAdmin
      ? "This image belongs to another project."
      : null);

  return (
    <>
      <PageHeader
        title="Images"
        description="Disk images instances boot from: this project's, and those shared with every project."
        actions={
          <Button
            variant="primary"
            icon={<Upload className="size-4" aria-hidden />}
            unavailable={writeBlocked}
            onClick={() => setUploading(true)}
          >
            Upload image
          </Button>
        }
      />
      <Card>
        <QueryBody query={list}>
          {(images) =>
            images.length === 0 ? (
              <EmptyState icon={<Disc3 className="size-5" />} title="No images yet">
                Upload a disk image (qcow2, raw, iso…) to launch instances from it.
              </EmptyState>
            ) : (
              <Table label="Images">
                <THead>
                  <tr>
                    <TH>Name</TH>
                    <TH>Status</TH>
                    <TH>Visibility</TH>
                    <TH className="text-right">Size</TH>
                    <TH>Disk format</TH>
                    <TH>Created</TH>
                    <ActionsTH />
                  </tr>
                </THead>
                <tbody>
                  {images.map((i) => (
                    <TR key={i.id}>
                      <TD className="max-w-72">
                        <div className="flex items-center gap-1.5 font-medium">
                          <span className="truncate">{i.name ?? <Mono short>{i.id}</Mono>}</span>
                          {i.protected && (
                            <Tip content="Protected: it cannot be deleted until this is unset.">
                              <span tabIndex={0} aria-label="Protected">
                                <Lock className="size-3.5 text-slate-500" aria-hidden />
                              </span>
                            </Tip>
                          )}
                        </div>
                      </TD>
                      <TD>
                        <Badge tone={STATUS_TONES[i.status] ?? "neutral"}>{i.status}</Badge>
                      </TD>
                      <TD className="text-slate-700 dark:text-slate-300">{i.visibility}</TD>
                      <TD className="text-right whitespace-nowrap">{bytes(i.size)}</TD>
                      <TD>{i.diskFormat ?? <span className="text-slate-400">—</span>}</TD>
                      <AgeTD iso={i.createdAt} now={now} />
                      <DeleteTD
                        name={i.name ?? i.id}
                        unavailable={deleteBlocked(i)}
                        onClick={() => setDeleting(i)}
                      />
                    </TR>
                  ))}
                </tbody>
              </Table>
            )
          }
        </QueryBody>
      </Card>

      {uploading && <UploadImageDialog onClose={() => setUploading(false)} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete ${deleting?.name ?? deleting?.id}?`}
        description="The image and its data are deleted; instances already running from it keep their disks. This cannot be undone."
        confirmLabel="Delete"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      />
    </>
  );
}
