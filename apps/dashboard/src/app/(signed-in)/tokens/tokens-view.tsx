"use client";
// Create an API token (shown once, with a curl line that uses it), and the list of tokens with
// their scope, expiry, last use and a revoke button.
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon } from "lucide-react";
import { NewApiToken, type ApiTokenScope } from "@cachefleet/contract";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
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
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Choice } from "~/components/choice";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { useTRPC } from "~/trpc/client";


/** The README's example: a read token lists the first page of the fleet. */
function curlExample(origin: string, token: string): string {
  return `curl -fsS -H 'Authorization: Bearer ${token}' '${origin}/api/trpc/fleet.list?input=%7B%22pageSize%22%3A50%7D'`;
}

interface Created {
  name: string;
  token: string;
}

export function TokensView({ origin, isAdmin }: { origin: string; isAdmin: boolean }) {
  const [created, setCreated] = useState<Created | null>(null);
  if (!isAdmin) return <p className="text-sm text-muted-foreground">Only admins can see and manage API tokens.</p>;
  return (
    <div className="space-y-8">
      <CreateToken onCreated={setCreated} />
      {created ? (
        <Alert variant="warning" role="status">
          <KeyRoundIcon aria-hidden />
          <AlertTitle>New token “{created.name}”</AlertTitle>
          <AlertDescription>
            <p>
              <code data-testid="new-token" className="font-mono break-all text-foreground">
                {created.token}
              </code>
            </p>
            <p>Copy it now: it is shown only once. For example:</p>
            <pre className="mt-1 overflow-x-auto rounded-md border bg-muted p-2 font-mono text-xs whitespace-pre text-foreground">{curlExample(origin, created.token)}</pre>
          </AlertDescription>
        </Alert>
      ) : null}
      <p className="text-sm text-muted-foreground">
        The API is described by the{" "}
        <a href="/api/openapi.json" className="underline underline-offset-4">
          OpenAPI document
        </a>
        .
      </p>
      <Tokens />
    </div>
  );
}

const scopes: readonly (readonly [ApiTokenScope, string])[] = [
  ["read", "Read only"],
  ["admin", "Admin"],
];

function CreateToken({ onCreated }: { onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiTokenScope>("read");
  const [days, setDays] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (result) => {
        onCreated({ name: result.name, token: result.token });
        setName("");
        setDays("");
        void queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
      },
    }),
  );
  const ids = { name: useId(), days: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = NewApiToken.safeParse({ name, scope, expiresInDays: days.trim() === "" ? undefined : Number(days) });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((issue) => issue.message).join(" "));
      return;
    }
    setProblem(null);
    create.mutate(parsed.data);
  };
  return (
    <section aria-labelledby="create-token-heading" className="space-y-3">
      <h2 id="create-token-heading" className="text-lg font-semibold">
        Create a token
      </h2>
      <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="grid gap-1.5">
          <Label htmlFor={ids.name}>Token name</Label>
          <Input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. nightly report" maxLength={64} required className="sm:w-64" />
        </div>
        <Choice label="Scope" value={scope} options={scopes} onChange={(chosen) => chosen && setScope(chosen)} />
        <div className="grid gap-1.5">
          <Label htmlFor={ids.days}>Expires after (days, empty for never)</Label>
          <Input id={ids.days} type="number" min={1} max={3650} value={days} onChange={(event) => setDays(event.target.value)} className="sm:w-40" />
        </div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      {problem ? <ErrorState title="The token was not created" message={problem} /> : null}
      {create.error ? <ErrorState title="The token was not created" message={create.error.message} /> : null}
    </section>
  );
}

function status(token: { revokedAt: string | null; expiresAt: string | null }): { label: string; variant: "neutral" | "success" } {
  if (token.revokedAt) return { label: "revoked", variant: "neutral" };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now()) return { label: "expired", variant: "neutral" };
  return { label: "active", variant: "success" };
}

function Tokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() }) }));
  return (
    <section aria-labelledby="tokens-heading" className="space-y-4">
      <h2 id="tokens-heading" className="text-lg font-semibold">
        Tokens
      </h2>
      {revoke.error ? <ErrorState title="The token was not revoked" message={revoke.error.message} /> : null}
      {tokens.isPending ? (
        <LoadingState label="Loading tokens…" rows={2} />
      ) : tokens.isError ? (
        <ErrorState title="Could not load the tokens" message={tokens.error.message} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState icon={KeyRoundIcon} title="No API tokens yet" description="Create one above for a script or a CI job." />
      ) : (
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Name</TableHead>
                <TableHead scope="col">Scope</TableHead>
                <TableHead scope="col">Created</TableHead>
                <TableHead scope="col">Expires</TableHead>
                <TableHead scope="col">Last used</TableHead>
                <TableHead scope="col">Status</TableHead>
                <TableHead scope="col">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.data.map((token) => {
                const state = status(token);
                return (
                  <TableRow key={token.id} data-testid="token-row">
                    <TableCell className="font-medium">{token.name}</TableCell>
                    <TableCell>{token.scope === "admin" ? "admin" : "read only"}</TableCell>
                    <TableCell>
                      <RelativeTime iso={token.createdAt} /> <span className="text-muted-foreground">by {token.createdByEmail}</span>
                    </TableCell>
                    <TableCell>{token.expiresAt ? <RelativeTime iso={token.expiresAt} /> : "never"}</TableCell>
                    <TableCell>
                      <RelativeTime iso={token.lastUsedAt} />
                    </TableCell>
                    <TableCell>
                      <Badge variant={state.variant} className="rounded-full">
                        {state.label}
                      </Badge>
                    </TableCell>
                    <TableCell className="text-right">
                      {state.label === "active" ? <ConfirmRevoke name={token.name} disabled={revoke.isPending} onConfirm={() => revoke.mutate({ tokenId: token.id })} /> : null}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          <p className="border-t px-3 py-2 text-sm text-muted-foreground">Tokens are stored hashed. A token stops working when revoked, when it expires, or when the admin who created it loses the role.</p>
        </div>
      )}
    </section>
  );
}

function ConfirmRevoke({ name, disabled, onConfirm }: { name: string; disabled: boolean; onConfirm: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Revoke token ${name}`} disabled={disabled}>
          Revoke
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Revoke the token “{name}”?</AlertDialogTitle>
          <AlertDialogDescription>Scripts using it are refused from now on. This cannot be undone; create a new token instead.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction className="bg-destructive text-white hover:bg-destructive/90" onClick={onConfirm}>
            Revoke
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
