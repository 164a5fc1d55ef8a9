"use client";
// The user's key pairs: list, create (the private key shown once, to download), import a public
// key, delete after a confirmation. A reader sees them and is told why the buttons do nothing.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Import, KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { useNow } from "../../dashboard/clock";
import { useCan } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { Card, Mono, PageHeader } from "../ui/page";
import { ActionsTH, AgeTD, DeleteTD } from "../ui/row-parts";
import { QueryBody } from "../ui/query";
import { EmptyState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { useToast } from "../ui/toast";
import { KeyPairDialog } from "./KeyPairDialog";

export function KeyPairsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const can = useCan();
  const now = useNow();
  const list = useQuery(trpc.keyPairs.list.queryOptions());
  const [dialog, setDialog] = useState<"create" | "import" | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const remove = useMutation(
    trpc.keyPairs.delete.mutationOptions({
      onSuccess: (_, { name }) => {
        toast({ tone: "success", title: `Key pair ${name} deleted` });
        void qc.invalidateQueries(trpc.keyPairs.pathFilter());
        void qc.invalidateQueries(trpc.usage.quotas.pathFilter());
      },
      onError: (err, { name }) =>
        toast({ tone: "error", title: `${name} was not deleted`, message: errorMessage(err) }),
      onSettled: () => setDeleting(null),
    }),
  );
  const createBlocked = can("keypairs:create")
    ? null
    : "Your role here (reader) cannot create key pairs.";
  const deleteBlocked = can("keypairs:delete")
    ? null
    : "Your role here (reader) cannot delete key pairs.";

  const actions = (
    <>
      <Button
        icon={<Import className="size-4" aria-hidden />}
        unavailable={createBlocked}
        onClick={() => setDialog("import")}
      >
        Import public key
      </Button>
      <Button
        variant="primary"
        icon={<Plus className="size-4" aria-hidden />}
        unavailable={createBlocked}
        onClick={() => setDialog("create")}
      >
        Create key pair
      </Button>
    </>
  );

  return (
    <>
      <PageHeader
        title="Key pairs"
        description="SSH keys injected into the instances you launch. They are yours, in every project."
        actions={actions}
      />
      <Card>
        <QueryBody query={list} rows={3}>
          {(keyPairs) =>
            keyPairs.length === 0 ? (
              <EmptyState icon={<KeyRound className="size-5" />} title="No key pairs yet">
                {createBlocked
                  ? "Your key pairs would be listed here."
                  : "Create one here (the private key is shown once, to download) or import the public key of one you already have."}
              </EmptyState>
            ) : (
              <Table label="Key pairs">
                <THead>
                  <tr>
                    <TH>Name</TH>
                    <TH>Type</TH>
                    <TH>Fingerprint</TH>
                    <TH>Created</TH>
                    <ActionsTH />
                  </tr>
                </THead>
                <tbody>
                  {keyPairs.map((k) => (
                    <TR key={k.name}>
                      <TD className="max-w-64 truncate font-medium">{k.name}</TD>
                      <TD>
                        <Badge>{k.type}</Badge>
                      </TD>
                      <TD className="max-w-0 min-w-48 truncate sm:max-w-none">
                        <Mono>{k.fingerprint}</Mono>
                      </TD>
                      <AgeTD iso={k.createdAt} now={now} />
                      <DeleteTD
                        name={k.name}
                        unavailable={deleteBlocked}
                        onClick={() => setDeleting(k.name)}
                      />
                    </TR>
                  ))}
                </tbody>
              </Table>
            )
          }
        </QueryBody>
      </Card>

      {dialog && <KeyPairDialog mode={dialog} onClose={() => setDialog(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete ${deleting}?`}
        description="Instances that already have this key keep it; new ones cannot use it. This cannot be undone."
        confirmLabel="Delete"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ name: deleting })}
      />
    </>
  );
}
