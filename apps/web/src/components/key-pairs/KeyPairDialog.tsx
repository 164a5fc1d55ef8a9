"use client";
// Creating or importing a key pair. A created pair's private key is shown once, with a download
// button and a warning: it is not kept anywhere, so closing the dialog loses it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Download, TriangleAlert } from "lucide-react";
import { useState, type FormEvent } from "react";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import { keyPairNameSchema } from "../../trpc/routers/key-pairs/key-pairs.schema";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input, Textarea } from "../ui/field";
import { ErrorState } from "../ui/states";
import { useToast } from "../ui/toast";

/** Save `text` as a file the browser downloads. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/x-pem-file" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}

export function KeyPairDialog({
  mode,
  onClose,
}: {
  mode: "create" | "import";
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [publicKey, setPublicKey] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [privateKey, setPrivateKey] = useState<{ name: string; key: string } | null>(null);
  const create = useMutation(
    trpc.keyPairs.create.mutationOptions({
      onSuccess: (k) => {
        void qc.invalidateQueries(trpc.keyPairs.pathFilter());
        void qc.invalidateQueries(trpc.usage.quotas.pathFilter());
        if (k.privateKey) setPrivateKey({ name: k.name, key: k.privateKey });
        else {
          toast({ tone: "success", title: `Key pair ${k.name} imported` });
          onClose();
        }
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = keyPairNameSchema.safeParse(name);
    setNameError(checked.success ? null : checked.error.issues[0]!.message);
    if (checked.success) create.mutate({ name, ...(mode === "import" && { publicKey }) });
  };

  if (privateKey) {
    const file = `${privateKey.name}.pem`;
    return (
      <Dialog
        open
        onOpenChange={(open) => !open && onClose()}
        title={`Key pair ${privateKey.name} created`}
        className="max-w-xl"
        footer={
          <>
            <Button onClick={onClose}>Done</Button>
            <Button
              variant="primary"
              icon={<Download className="size-4" aria-hidden />}
              onClick={() => download(file, privateKey.key)}
            >
              Download {file}
            </Button>
          </>
        }
      >
        <div
          role="alert"
          className="mb-3 flex gap-2.5 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            <strong>This is the only time the private key is shown.</strong> Nimbus keeps no copy:
            download it now and keep it safe (
            <code className="whitespace-nowrap">chmod 600 {file}</code>).
          </p>
        </div>
        <Field label="Private key">
          {(ids) => (
            <Textarea
              {...ids}
              readOnly
              rows={8}
              value={privateKey.key}
              className="font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
            />
          )}
        </Field>
      </Dialog>
    );
  }

  const importing = mode === "import";
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={importing ? "Import a public key" : "Create a key pair"}
      description={
        importing
          ? "Paste the public half of a key you already have (e.g. ~/.ssh/id_ed25519.pub)."
          : "An SSH key pair is generated; you download the private key once."
      }
      className={importing ? "max-w-xl" : undefined}
    >
      <form onSubmit={submit} className="space-y-4">
        <Field label="Name" hint="Letters, digits, spaces and . _ - @" error={nameError}>
          {(ids) => (
            <Input
              {...ids}
              required
              autoFocus
              maxLength={255}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        {importing && (
          <Field label="Public key">
            {(ids) => (
              <Textarea
                {...ids}
                required
                rows={5}
                spellCheck={false}
                placeholder="ssh-ed25519 AAAA… you@host"
                className="font-mono text-xs"
                value={publicKey}
                onChange={(e) => {
                  setPublicKey(e.target.value);
                  create.reset();
                }}
              />
            )}
          </Field>
        )}
        {create.isError && (
          <ErrorState
            title={importing ? "The key was not imported" : "The key pair was not created"}
            message={errorMessage(create.error)}
          />
        )}
        <div className="flex justify-end gap-2 pt-1">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            {importing ? "Import" : "Create"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
