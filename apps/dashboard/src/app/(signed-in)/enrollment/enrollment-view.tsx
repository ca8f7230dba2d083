"use client";
// The install commands (with the secret just created, if any), the enrollment secrets and the
// enrolled machines, with create and revoke for admins.
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckIcon, CopyIcon, KeyRoundIcon, LaptopIcon } from "lucide-react";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { Pager } from "~/components/pager";
import { RelativeTime } from "~/components/relative-time";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "~/components/ui/alert-dialog";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { useTRPC } from "~/trpc/client";
import { formatCount } from "~/format";

const agentFile = "~/.cachefleet/cachefleet-agent.mjs";

/**
 * The shell lines that install the agent from this dashboard and enroll it with `secret`. The
 * secret goes in the environment, not on the agent's command line, where `ps` would show it to
 * every user of the Mac while it enrolls.
 */
function installCommands(origin: string, secret: string): string {
  return [
    `mkdir -p ~/.cachefleet && curl -fsSL ${origin}/downloads/cachefleet-agent.mjs -o ${agentFile}`,
    `CACHEFLEET_ENROLL_SECRET=${secret} node ${agentFile} enroll --server ${origin}`,
    `node ${agentFile} install`,
  ].join("\n");
}

interface CreatedSecret {
  name: string;
  secret: string;
}

export function EnrollmentView({ origin, canEdit }: { origin: string; canEdit: boolean }) {
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  return (
    <div className="space-y-8">
      <InstallCommands origin={origin} created={created} />
      <Secrets canEdit={canEdit} onCreated={setCreated} />
      <Machines canEdit={canEdit} />
    </div>
  );
}

function InstallCommands({ origin, created }: { origin: string; created: CreatedSecret | null }) {
  const commands = installCommands(origin, created?.secret ?? "<ENROLLMENT_SECRET>");
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(commands);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle id="install-heading" role="heading" aria-level={2}>
          Install an agent
        </CardTitle>
        <CardDescription>
          On the Mac (it needs only Node 20 or later), run these in a terminal: they download the agent from this dashboard, enroll it, and start it at
          every login.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {created ? (
          <Alert variant="warning" role="status">
            <KeyRoundIcon aria-hidden />
            <AlertTitle>New secret “{created.name}”</AlertTitle>
            <AlertDescription>
              <p>
                <code data-testid="new-secret" className="font-mono break-all text-foreground">
                  {created.secret}
                </code>
              </p>
              <p>Copy it now: it is shown only once and is already filled in below.</p>
            </AlertDescription>
          </Alert>
        ) : (
          <p className="text-sm text-muted-foreground">
            Create an enrollment secret below (admins) and it is filled in here; or replace &lt;ENROLLMENT_SECRET&gt; with one you have.
          </p>
        )}
        <pre data-slot="code-block" data-testid="install-commands" className="overflow-x-auto rounded-md border bg-muted p-3 font-mono text-xs leading-relaxed whitespace-pre text-foreground">
          {commands}
        </pre>
        <div className="flex items-center gap-3">
          <Button variant="outline" size="sm" onClick={() => void copy()}>
            {copied === "copied" ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />}
            Copy commands
          </Button>
          <span role="status" className="text-sm text-muted-foreground">
            {copied === "copied" ? "Copied." : copied === "failed" ? "The browser refused to copy; select the text instead." : ""}
          </span>
        </div>
      </CardContent>
    </Card>
  );
}

function Secrets({ canEdit, onCreated }: { canEdit: boolean; onCreated: (created: CreatedSecret) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.enrollment.secrets.queryOptions(undefined, { refetchInterval: 10_000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enrollment.secrets.queryKey() });
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.enrollment.createSecret.mutationOptions({
      onSuccess: (result) => {
        onCreated({ name: result.name, secret: result.secret });
        setName("");
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.enrollment.revokeSecret.mutationOptions({ onSuccess: () => void refresh() }));
  const nameId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };

  return (
    <section aria-labelledby="secrets-heading" className="space-y-4">
      <h2 id="secrets-heading" className="text-lg font-semibold">
        Enrollment secrets
      </h2>
      {canEdit ? (
        <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <div className="grid gap-1.5">
            <Label htmlFor={nameId}>Secret name</Label>
            <Input
              id={nameId}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="e.g. Laptops 2026"
              maxLength={100}
              required
              className="sm:w-72"
              aria-invalid={create.error ? true : undefined}
            />
          </div>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create secret"}
          </Button>
        </form>
      ) : (
        <p className="text-sm text-muted-foreground">Only admins can create or revoke secrets.</p>
      )}
      {create.error ? <ErrorState title="The secret was not created" message={create.error.message} /> : null}
      {revoke.error ? <ErrorState title="The secret was not revoked" message={revoke.error.message} /> : null}
      {secrets.isPending ? (
        <LoadingState label="Loading secrets…" rows={2} />
      ) : secrets.isError ? (
        <ErrorState title="Could not load the secrets" message={secrets.error.message} onRetry={() => void secrets.refetch()} />
      ) : secrets.data.length === 0 ? (
        <EmptyState icon={KeyRoundIcon} title="No enrollment secrets yet" description={canEdit ? "Create one above to enroll a Mac." : "An admin can create one."} />
      ) : (
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Name</TableHead>
                <TableHead scope="col">Created</TableHead>
                <TableHead scope="col">Last used</TableHead>
                <TableHead scope="col" className="text-right">
                  Machines
                </TableHead>
                <TableHead scope="col">Status</TableHead>
                {canEdit ? (
                  <TableHead scope="col">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                ) : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {secrets.data.map((secret) => (
                <TableRow key={secret.id} data-testid="secret-row">
                  <TableCell className="font-medium">{secret.name}</TableCell>
                  <TableCell>
                    <RelativeTime iso={secret.createdAt} /> <span className="text-muted-foreground">by {secret.createdByEmail ?? "first start"}</span>
                  </TableCell>
                  <TableCell>
                    <RelativeTime iso={secret.lastUsedAt} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(secret.machines)}</TableCell>
                  <TableCell>
                    {secret.revokedAt ? (
                      <Badge variant="neutral" className="rounded-full">
                        revoked
                      </Badge>
                    ) : (
                      <Badge variant="success" className="rounded-full">
                        active
                      </Badge>
                    )}
                  </TableCell>
                  {canEdit ? (
                    <TableCell className="text-right">
                      {secret.revokedAt ? null : (
                        <ConfirmRevoke
                          accessibleLabel={`Revoke secret ${secret.name}`}
                          title={`Revoke the secret “${secret.name}”?`}
                          description="No new machine can enroll with it. Machines it already enrolled keep working."
                          disabled={revoke.isPending}
                          onConfirm={() => revoke.mutate({ secretId: secret.id })}
                        />
                      )}
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <p className="border-t px-3 py-2 text-sm text-muted-foreground">Secrets are stored hashed; a revoked secret enrolls no new machine, and machines it enrolled keep working.</p>
        </div>
      )}
    </section>
  );
}

const machinesPerPage = 50;

function Machines({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const machines = useQuery(trpc.enrollment.machines.queryOptions({ page, pageSize: machinesPerPage }, { refetchInterval: 5_000 }));
  // The machine also leaves the fleet and every other list: refresh them all.
  const revoke = useMutation(trpc.enrollment.revokeMachine.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries() }));

  return (
    <section aria-labelledby="machines-heading" className="space-y-4">
      <h2 id="machines-heading" className="text-lg font-semibold">
        Enrolled machines
      </h2>
      {revoke.error ? <ErrorState title="The machine was not revoked" message={revoke.error.message} /> : null}
      {machines.isPending ? (
        <LoadingState label="Loading machines…" rows={3} />
      ) : machines.isError ? (
        <ErrorState title="Could not load the machines" message={machines.error.message} onRetry={() => void machines.refetch()} />
      ) : machines.data.total === 0 ? (
        <EmptyState icon={LaptopIcon} title="No machine is enrolled yet" description="Run the commands above on a Mac; it shows here once it has enrolled." />
      ) : (
        <>
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead scope="col">Machine</TableHead>
                  <TableHead scope="col">User</TableHead>
                  <TableHead scope="col">Enrolled</TableHead>
                  <TableHead scope="col">With secret</TableHead>
                  <TableHead scope="col">Last seen</TableHead>
                  {canEdit ? (
                    <TableHead scope="col">
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  ) : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {machines.data.machines.map((machine) => (
                  <TableRow key={machine.id} data-testid="enrolled-machine-row">
                    <TableCell className="font-medium">
                      <Link href={`/machines/${machine.id}`} className="underline-offset-4 hover:underline">
                        {machine.hostname}
                      </Link>
                    </TableCell>
                    <TableCell>{machine.username || "—"}</TableCell>
                    <TableCell>
                      <RelativeTime iso={machine.enrolledAt} />
                    </TableCell>
                    <TableCell>{machine.enrolledWith ?? <span className="text-muted-foreground">a deleted secret</span>}</TableCell>
                    <TableCell>
                      <RelativeTime iso={machine.lastSeenAt} />
                    </TableCell>
                    {canEdit ? (
                      <TableCell className="text-right">
                        <ConfirmRevoke
                          accessibleLabel={`Revoke machine ${machine.hostname}`}
                          title={`Revoke ${machine.hostname}?`}
                          description="Its agent's token stops working at once: it can no longer report or receive commands, and it leaves the fleet. To bring it back, enroll it again."
                          disabled={revoke.isPending}
                          onConfirm={() => revoke.mutate({ machineId: machine.id })}
                        />
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <p className="border-t px-3 py-2 text-sm text-muted-foreground">A revoked machine&apos;s token is refused at once; to bring it back, enroll it again.</p>
          </div>
          <Pager label="Machine pages" noun={["machine", "machines"]} page={page} total={machines.data.total} pageSize={machinesPerPage} onPage={setPage} />
        </>
      )}
    </section>
  );
}

/** A Revoke button that asks first, in a modal dialog (Escape or Cancel closes it). */
function ConfirmRevoke(props: { accessibleLabel: string; title: string; description: string; disabled: boolean; onConfirm: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={props.accessibleLabel} disabled={props.disabled}>
          Revoke
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{props.title}</AlertDialogTitle>
          <AlertDialogDescription>{props.description}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction className="bg-destructive text-white hover:bg-destructive/90" onClick={props.onConfirm}>
            Revoke
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
