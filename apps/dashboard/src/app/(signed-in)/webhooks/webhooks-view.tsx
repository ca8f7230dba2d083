"use client";
// Create a webhook (its signing secret shown once), and each webhook with its masked URL, events,
// pause/resume, send test, delete and its latest deliveries.
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, WebhookIcon } from "lucide-react";
import { NewWebhook, webhookEvents, type WebhookEvent, type WebhookFormat } from "@cachefleet/contract";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { RelativeTime } from "~/components/relative-time";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Checkbox } from "~/components/ui/checkbox";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Choice } from "~/components/choice";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { useTRPC } from "~/trpc/client";


const eventLabels: Record<WebhookEvent, string> = {
  "machine.critical": "A machine turned critical",
  "command.failed": "A command failed",
  "remediation.failed": "A remediation failed",
  "machine.offline": "A machine is offline beyond the threshold",
  "machine.enrolled": "A new machine enrolled",
};

export function WebhooksView() {
  const [secret, setSecret] = useState<{ name: string; signingSecret: string } | null>(null);
  return (
    <div className="space-y-8">
      <CreateWebhook onCreated={setSecret} />
      {secret ? (
        <Alert variant="warning" role="status">
          <KeyRoundIcon aria-hidden />
          <AlertTitle>Signing secret of “{secret.name}”</AlertTitle>
          <AlertDescription>
            <code data-testid="webhook-secret" className="font-mono break-all text-foreground">
              {secret.signingSecret}
            </code>
            <p>The receiver checks each request with it (see below). Admins can show it again.</p>
          </AlertDescription>
        </Alert>
      ) : null}
      <Webhooks />
      <SignatureScheme />
    </div>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (created: { name: string; signingSecret: string }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [format, setFormat] = useState<WebhookFormat>("json");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<ReadonlySet<WebhookEvent>>(new Set(["machine.critical", "command.failed", "remediation.failed"]));
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (result) => {
        onCreated({ name: result.name, signingSecret: result.signingSecret });
        setName("");
        setUrl("");
        void queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
      },
    }),
  );
  const ids = { name: useId(), url: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = NewWebhook.safeParse({ name, format, url, events: webhookEvents.filter((name) => events.has(name)) });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((issue) => issue.message).join(" "));
      return;
    }
    setProblem(null);
    create.mutate(parsed.data);
  };
  const toggle = (event: WebhookEvent, on: boolean) => {
    const next = new Set(events);
    if (on) next.add(event);
    else next.delete(event);
    setEvents(next);
  };
  return (
    <section aria-labelledby="create-webhook-heading" className="space-y-3">
      <h2 id="create-webhook-heading" className="text-lg font-semibold">
        Add a webhook
      </h2>
      <form onSubmit={submit} className="space-y-3">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <div className="grid gap-1.5">
            <Label htmlFor={ids.name}>Webhook name</Label>
            <Input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} maxLength={100} required className="sm:w-56" />
          </div>
          <Choice
            label="Format"
            value={format}
            options={[
              ["json", "JSON (signed)"],
              ["slack", "Slack"],
            ]}
            onChange={(chosen) => chosen && setFormat(chosen)}
          />
          <div className="grid flex-1 gap-1.5">
            <Label htmlFor={ids.url}>URL</Label>
            <Input id={ids.url} type="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://…" required />
          </div>
        </div>
        <fieldset className="flex flex-wrap gap-x-6 gap-y-2">
          <legend className="mb-1 text-sm font-medium">Events</legend>
          {webhookEvents.map((event) => (
            <label key={event} className="flex items-center gap-2 text-sm">
              <Checkbox checked={events.has(event)} onCheckedChange={(checked) => toggle(event, checked === true)} />
              {eventLabels[event]}
            </label>
          ))}
        </fieldset>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add webhook"}
        </Button>
      </form>
      {problem ? <ErrorState title="The webhook was not added" message={problem} /> : null}
      {create.error ? <ErrorState title="The webhook was not added" message={create.error.message} /> : null}
    </section>
  );
}

function Webhooks() {
  const trpc = useTRPC();
  const webhooks = useQuery(trpc.webhooks.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  if (webhooks.isPending) return <LoadingState label="Loading webhooks…" rows={2} />;
  if (webhooks.isError) return <ErrorState title="Could not load the webhooks" message={webhooks.error.message} onRetry={() => void webhooks.refetch()} />;
  if (webhooks.data.length === 0) return <EmptyState icon={WebhookIcon} title="No webhooks yet" description="Add one above." />;
  return (
    <section aria-label="Webhooks" className="space-y-4">
      {webhooks.data.map((webhook) => (
        <WebhookCard key={webhook.id} webhook={webhook} />
      ))}
    </section>
  );
}

interface WebhookSummary {
  id: string;
  name: string;
  format: WebhookFormat;
  maskedUrl: string;
  events: WebhookEvent[];
  enabled: boolean;
}

function WebhookCard({ webhook }: { webhook: WebhookSummary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ webhookId: webhook.id, pageSize: 10 }, { refetchInterval: 3_000 }));
  const setEnabled = useMutation(trpc.webhooks.setEnabled.mutationOptions({ onSuccess: refresh }));
  const sendTest = useMutation(trpc.webhooks.sendTest.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const [secret, setSecret] = useState<string | null>(null);
  const reveal = useMutation({
    mutationFn: () => queryClient.fetchQuery(trpc.webhooks.signingSecret.queryOptions({ webhookId: webhook.id }, { staleTime: 0 })),
    onSuccess: (result) => setSecret(result.signingSecret),
  });
  const failure = setEnabled.error ?? sendTest.error ?? remove.error ?? reveal.error;
  return (
    <Card data-testid="webhook-card">
      <CardHeader>
        <CardTitle role="heading" aria-level={3}>
          {webhook.name}{" "}
          <Badge variant={webhook.enabled ? "success" : "neutral"} className="ml-2 rounded-full">
            {webhook.enabled ? "active" : "paused"}
          </Badge>
        </CardTitle>
        <CardDescription>
          {webhook.format === "slack" ? "Slack" : "JSON, signed"} · <code className="font-mono">{webhook.maskedUrl}</code> · {webhook.events.map((event) => eventLabels[event]).join("; ")}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" disabled={sendTest.isPending} onClick={() => sendTest.mutate({ webhookId: webhook.id })}>
            Send test
          </Button>
          <Button variant="outline" size="sm" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ webhookId: webhook.id, enabled: !webhook.enabled })}>
            {webhook.enabled ? "Pause" : "Resume"}
          </Button>
          {webhook.format === "json" ? (
            <Button variant="outline" size="sm" disabled={reveal.isPending} onClick={() => reveal.mutate()}>
              Show signing secret
            </Button>
          ) : null}
          <Button variant="outline" size="sm" disabled={remove.isPending} onClick={() => remove.mutate({ webhookId: webhook.id })}>
            Delete
          </Button>
        </div>
        {secret ? <code className="block font-mono text-xs break-all">{secret}</code> : null}
        {failure ? <ErrorState title="That did not work" message={failure.message} /> : null}
        {deliveries.data && deliveries.data.length > 0 ? (
          <Table aria-label={`Deliveries of ${webhook.name}`}>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Event</TableHead>
                <TableHead scope="col">Queued</TableHead>
                <TableHead scope="col">Status</TableHead>
                <TableHead scope="col" className="text-right">
                  Attempts
                </TableHead>
                <TableHead scope="col">Last answer</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {deliveries.data.map((delivery) => (
                <TableRow key={delivery.id} data-testid="delivery-row">
                  <TableCell>{delivery.event}</TableCell>
                  <TableCell>
                    <RelativeTime iso={delivery.createdAt} />
                  </TableCell>
                  <TableCell>{delivery.status === "pending" && delivery.attempts > 0 ? "retrying" : delivery.status}</TableCell>
                  <TableCell className="text-right tabular-nums">{delivery.attempts}</TableCell>
                  <TableCell className="max-w-72 truncate font-mono text-xs" title={delivery.lastResponse ?? ""}>
                    {delivery.lastStatus ?? "—"} {delivery.lastResponse ?? ""}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : (
          <p className="text-sm text-muted-foreground">Nothing delivered yet.</p>
        )}
      </CardContent>
    </Card>
  );
}

function SignatureScheme() {
  return (
    <section aria-labelledby="signature-heading" className="space-y-2 text-sm">
      <h2 id="signature-heading" className="text-lg font-semibold">
        Checking the JSON format&apos;s signature
      </h2>
      <p>
        Each request carries <code>X-Cachefleet-Timestamp</code> (Unix seconds), <code>X-Cachefleet-Signature</code> (<code>v1=</code> and a hex digest),{" "}
        <code>X-Cachefleet-Event</code> and <code>X-Cachefleet-Delivery</code> (the same id on every retry). The digest is HMAC-SHA256, keyed with the
        signing secret, of the timestamp, a dot, and the raw body. Recompute it, compare in constant time, and refuse timestamps more than five minutes
        old.
      </p>
    </section>
  );
}
