"use client";
// Uploading an image: the record first (name, formats, visibility), then its bytes with a progress
// bar. If the bytes do not make it, the record stays queued and the dialog offers to try again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { bytes } from "../../dashboard/format";
import { useCan } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import {
  UPLOAD_CONTAINER_FORMATS,
  UPLOAD_DISK_FORMATS,
  UPLOAD_VISIBILITIES,
  type NewImageInput,
} from "../../trpc/routers/images/images.schema";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Select } from "../ui/field";
import { ProgressBar } from "../ui/progress";
import { ErrorState } from "../ui/states";
import { uploadImageData, type UploadProgress } from "./upload";

type DiskFormat = NewImageInput["diskFormat"];

/** The disk format a file's extension suggests (qcow2 when it says nothing). */
function guessFormat(fileName: string): DiskFormat {
  const ext = fileName.split(".").pop()?.toLowerCase() ?? "";
  return (UPLOAD_DISK_FORMATS as readonly string[]).includes(ext) ? (ext as DiskFormat) : "qcow2";
}

const VISIBILITY_HINTS: Record<NewImageInput["visibility"], string> = {
  private: "Only this project sees it.",
  shared: "This project and the projects it is shared with see it.",
  community: "Every project can use it; it is not listed to them.",
  public: "Every project sees it.",
};

export function UploadImageDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const can = useCan();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [diskFormat, setDiskFormat] = useState<DiskFormat>("qcow2");
  const [containerFormat, setContainerFormat] = useState<NewImageInput["containerFormat"]>("bare");
  const [visibility, setVisibility] = useState<NewImageInput["visibility"]>("private");
  const [imageId, setImageId] = useState<string | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const refresh = () => void qc.invalidateQueries(trpc.images.pathFilter());
  const create = useMutation(trpc.images.create.mutationOptions({ onSuccess: refresh }));
  const busy = create.isPending || (progress !== null && error === null && !done);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    try {
      const id =
        imageId ??
        (
          await create.mutateAsync({
            name,
            diskFormat,
            containerFormat,
            visibility,
            minDisk: 0,
            minRam: 0,
          })
        ).id;
      setImageId(id);
      setProgress({ sent: 0, total: file.size });
      await uploadImageData(id, file, setProgress);
      refresh();
      // Every byte is stored: the bar says so, whichever progress event the browser sent last.
      setProgress({ sent: file.size, total: file.size });
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
      refresh();
    }
  };

  const pct =
    progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && !busy && onClose()}
      title="Upload an image"
      description="The image is created first, then its data is sent from this browser."
      className="max-w-lg"
    >
      <form onSubmit={(e) => void submit(e)} className="space-y-4">
        <Field label="Image file">
          {(ids) => (
            <Input
              {...ids}
              type="file"
              required
              disabled={imageId !== null || busy}
              className="py-1.5 file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-xs file:font-medium dark:file:bg-slate-800 dark:file:text-slate-200"
              onChange={(e) => {
                const chosen = e.target.files?.[0] ?? null;
                setFile(chosen);
                if (chosen) {
                  if (!name) setName(chosen.name.replace(/\.[^.]+$/, ""));
                  setDiskFormat(guessFormat(chosen.name));
                }
              }}
            />
          )}
        </Field>
        <Field label="Name">
          {(ids) => (
            <Input
              {...ids}
              required
              maxLength={255}
              disabled={imageId !== null || busy}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Disk format">
            {(ids) => (
              <Select
                {...ids}
                disabled={imageId !== null || busy}
                value={diskFormat}
                onChange={(e) => setDiskFormat(e.target.value as DiskFormat)}
              >
                {UPLOAD_DISK_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Container format">
            {(ids) => (
              <Select
                {...ids}
                disabled={imageId !== null || busy}
                value={containerFormat}
                onChange={(e) =>
                  setContainerFormat(e.target.value as NewImageInput["containerFormat"])
                }
              >
                {UPLOAD_CONTAINER_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field
          label="Visibility"
          hint={`${VISIBILITY_HINTS[visibility]}${can("images:publicize") ? "" : " Public images are for administrators."}`}
        >
          {(ids) => (
            <Select
              {...ids}
              disabled={imageId !== null || busy}
              value={visibility}
              onChange={(e) => setVisibility(e.target.value as NewImageInput["visibility"])}
            >
              {UPLOAD_VISIBILITIES.map((v) => (
                <option key={v} value={v} disabled={v === "public" && !can("images:publicize")}>
                  {v}
                </option>
              ))}
            </Select>
          )}
        </Field>

        {progress && (
          <div className="space-y-1.5">
            <div className="flex justify-between text-xs text-slate-600 tabular-nums dark:text-slate-400">
              <span>
                {done
                  ? "Uploaded: the image is active."
                  : error
                    ? "Upload stopped"
                    : pct < 100
                      ? "Uploading…"
                      : "Checking and storing the image…"}
              </span>
              <span>
                {bytes(progress.sent)} of {bytes(progress.total)} · {pct}%
              </span>
            </div>
            <ProgressBar label="Upload progress" value={pct} />
          </div>
        )}
        {error && (
          <ErrorState
            title={imageId ? "The data was not uploaded" : "The image was not created"}
            message={error}
          />
        )}
        {error && imageId && (
          <p className="text-xs text-slate-500 dark:text-slate-400">
            The image stays queued without data: try again, or delete it from the list.
          </p>
        )}
        <div className="flex justify-end gap-2 pt-1">
          {done ? (
            <Button variant="primary" onClick={onClose}>
              Done
            </Button>
          ) : (
            <>
              <Button onClick={onClose} disabled={busy}>
                {imageId && error ? "Close" : "Cancel"}
              </Button>
              <Button type="submit" variant="primary" loading={busy}>
                {imageId && error ? "Try again" : "Upload"}
              </Button>
            </>
          )}
        </div>
      </form>
    </Dialog>
  );
}
