"use client";
// Configure a remediation (with a dry run of what it would do now) and follow each one: counts,
// pause/resume, and every machine's state — pending, running, fixed, or failed after its tries.
import { useId, useState, type FormEvent } from "react";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { WrenchIcon } from "lucide-react";
import { commandKinds, NewRemediation, type CommandKind, type NewRemediationInput } from "@cachefleet/contract";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { RelativeTime } from "~/components/relative-time";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Checkbox } from "~/components/ui/checkbox";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Choice } from "~/components/choice";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { useTRPC } from "~/trpc/client";


/** Rules worth binding; any rule id a health rule reports may be typed. */
const suggestedRules = ["mixed-cache", "plaintext-cache", "stale-trim", "cache-too-large", "keychain-missing"];

export function RemediationView({ canEdit }: { canEdit: boolean }) {
  return (
    <div className="space-y-8">
      {canEdit ? <ConfigureRemediation /> : <p className="text-sm text-muted-foreground">Only admins can configure remediations.</p>}
      <Remediations canEdit={canEdit} />
    </div>
  );
}

function specFor(kind: CommandKind, backup: boolean): NewRemediationInput["spec"] {
  if (kind === "migrate" || kind === "clean") return { kind, options: { backup } };
  if (kind === "prune-backups") return { kind, options: { olderThanDays: 30 } };
  return { kind, options: {} };
}

function ConfigureRemediation() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: "", rule: "mixed-cache", kind: "migrate" as CommandKind, backup: true, start: "01:00", end: "05:00", maxConcurrent: "5", maxAttempts: "3", retryBaseMinutes: "15" });
  const [problem, setProblem] = useState<string | null>(null);
  const [previewInput, setPreviewInput] = useState<NewRemediationInput | null>(null);
  const preview = useQuery(trpc.remediations.preview.queryOptions(previewInput ?? skipToken, { staleTime: 0 }));
  const create = useMutation(
    trpc.remediations.create.mutationOptions({
      onSuccess: () => {
        setPreviewInput(null);
        setForm((previous) => ({ ...previous, name: "" }));
        void queryClient.invalidateQueries({ queryKey: trpc.remediations.pathKey() });
      },
    }),
  );
  const ids = { name: useId(), rule: useId(), start: useId(), end: useId(), concurrent: useId(), attempts: useId(), retry: useId(), rules: useId() };
  const parse = () => {
    const parsed = NewRemediation.safeParse({
      name: form.name,
      rule: form.rule.trim(),
      spec: specFor(form.kind, form.backup),
      window: { start: form.start, end: form.end },
      maxConcurrent: Number(form.maxConcurrent),
      maxAttempts: Number(form.maxAttempts),
      retryBaseMinutes: Number(form.retryBaseMinutes),
    });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((issue) => issue.message).join(" "));
      return null;
    }
    setProblem(null);
    return parsed.data;
  };
  const dryRun = () => {
    const input = parse();
    if (input) setPreviewInput(input);
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    const input = parse();
    if (input) create.mutate(input);
  };
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((previous) => ({ ...previous, [field]: event.target.value }));
  return (
    <section aria-labelledby="configure-heading" className="space-y-3">
      <h2 id="configure-heading" className="text-lg font-semibold">
        New remediation
      </h2>
      <form onSubmit={save} className="space-y-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={ids.name}>Remediation name</Label>
            <Input id={ids.name} value={form.name} onChange={set("name")} maxLength={100} required className="w-56" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.rule}>When a machine fails rule</Label>
            <Input id={ids.rule} value={form.rule} onChange={set("rule")} list={ids.rules} className="w-48 font-mono" />
            <datalist id={ids.rules}>
              {suggestedRules.map((rule) => (
                <option key={rule} value={rule} />
              ))}
            </datalist>
          </div>
          <Choice
            label="Push command"
            value={form.kind}
            options={commandKinds.map((kind) => [kind, kind] as const)}
            onChange={(kind) => kind && setForm((previous) => ({ ...previous, kind }))}
          />
          {form.kind === "migrate" || form.kind === "clean" ? (
            <label className="flex h-9 items-center gap-2 text-sm">
              <Checkbox checked={form.backup} onCheckedChange={(checked) => setForm((previous) => ({ ...previous, backup: checked === true }))} />
              Back up first
            </label>
          ) : null}
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={ids.start}>Window opens (machine&apos;s local time)</Label>
            <Input id={ids.start} type="time" value={form.start} onChange={set("start")} className="w-36" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.end}>Window closes</Label>
            <Input id={ids.end} type="time" value={form.end} onChange={set("end")} className="w-36" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.concurrent}>At most at once</Label>
            <Input id={ids.concurrent} type="number" min={1} max={1000} value={form.maxConcurrent} onChange={set("maxConcurrent")} className="w-28" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.attempts}>Tries per machine</Label>
            <Input id={ids.attempts} type="number" min={1} max={10} value={form.maxAttempts} onChange={set("maxAttempts")} className="w-28" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.retry}>First retry after (minutes)</Label>
            <Input id={ids.retry} type="number" min={1} max={1440} value={form.retryBaseMinutes} onChange={set("retryBaseMinutes")} className="w-28" />
          </div>
        </div>
        <p className="text-sm text-muted-foreground">The same open and close time means any time; a close before the open spans midnight. Each retry waits twice as long as the one before.</p>
        <div className="flex gap-2">
          <Button type="button" variant="outline" onClick={dryRun}>
            Dry run
          </Button>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Save remediation"}
          </Button>
        </div>
      </form>
      {problem ? <ErrorState title="Check the remediation" message={problem} /> : null}
      {create.error ? <ErrorState title="The remediation was not saved" message={create.error.message} /> : null}
      {previewInput ? (
        preview.isPending ? (
          <LoadingState label="Working out what it would do…" rows={2} />
        ) : preview.isError ? (
          <ErrorState title="The dry run failed" message={preview.error.message} />
        ) : (
          <div data-testid="dry-run" className="space-y-2 rounded-lg border p-3 text-sm">
            <p className="font-medium">
              {preview.data.actNow.length === 0 ? "It would act on no machine right now." : `It would act now on ${preview.data.actNow.length} machine${preview.data.actNow.length === 1 ? "" : "s"}:`}
            </p>
            <ul className="list-inside list-disc">
              {preview.data.actNow.map((machine) => (
                <li key={machine.machineId}>
                  {machine.hostname} <span className="text-muted-foreground">({machine.timeZone})</span>
                </li>
              ))}
            </ul>
            {preview.data.waiting.length > 0 ? (
              <p className="text-muted-foreground">
                Waiting: {preview.data.waiting.map((machine) => `${machine.hostname} (${machine.reason})`).join(", ")}.
              </p>
            ) : null}
          </div>
        )
      ) : null}
    </section>
  );
}

function Remediations({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const remediations = useQuery(trpc.remediations.list.queryOptions(undefined, { refetchInterval: 3_000 }));
  if (remediations.isPending) return <LoadingState label="Loading remediations…" rows={2} />;
  if (remediations.isError) return <ErrorState title="Could not load the remediations" message={remediations.error.message} onRetry={() => void remediations.refetch()} />;
  if (remediations.data.length === 0) return <EmptyState icon={WrenchIcon} title="No remediations yet" description={canEdit ? "Configure one above." : "An admin can configure one."} />;
  return (
    <section aria-label="Remediations" className="space-y-4">
      {remediations.data.map((remediation) => (
        <RemediationCard key={remediation.id} remediation={remediation} canEdit={canEdit} />
      ))}
    </section>
  );
}

interface RemediationSummary {
  id: string;
  name: string;
  rule: string;
  spec: { kind: string; options: Record<string, unknown> };
  window: { start: string; end: string };
  maxConcurrent: number;
  maxAttempts: number;
  paused: boolean;
  createdByEmail: string;
  counts: { pending: number; running: number; fixed: number; failed: number };
}

const stateLabels: Record<string, string> = {
  pending: "remediation pending",
  running: "remediation running",
  fixed: "fixed",
  failed: "failed",
};

function RemediationCard({ remediation, canEdit }: { remediation: RemediationSummary; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const machines = useQuery(trpc.remediations.machines.queryOptions({ remediationId: remediation.id }, { refetchInterval: 3_000 }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.remediations.pathKey() });
  const setPaused = useMutation(trpc.remediations.setPaused.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.remediations.delete.mutationOptions({ onSuccess: refresh }));
  const backup = remediation.spec.options.backup === false ? " without backup" : remediation.spec.options.backup === true ? " with backup" : "";
  return (
    <Card data-testid="remediation-card">
      <CardHeader>
        <CardTitle role="heading" aria-level={3}>
          {remediation.name}
          <Badge variant={remediation.paused ? "neutral" : "success"} className="ml-2 rounded-full">
            {remediation.paused ? "paused" : "active"}
          </Badge>
        </CardTitle>
        <CardDescription>
          <code className="font-mono">{remediation.rule}</code> → {remediation.spec.kind}
          {backup}, {remediation.window.start === remediation.window.end ? "any time" : `${remediation.window.start}–${remediation.window.end} local time`}, at most {remediation.maxConcurrent} at once,{" "}
          {remediation.maxAttempts} tries. Configured by {remediation.createdByEmail}. {remediation.counts.pending} pending, {remediation.counts.running} running, {remediation.counts.fixed} fixed,{" "}
          {remediation.counts.failed} failed.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {canEdit ? (
          <div className="flex gap-2">
            <Button variant="outline" size="sm" disabled={setPaused.isPending} onClick={() => setPaused.mutate({ remediationId: remediation.id, paused: !remediation.paused })}>
              {remediation.paused ? "Resume" : "Pause"}
            </Button>
            <Button variant="outline" size="sm" disabled={remove.isPending} onClick={() => remove.mutate({ remediationId: remediation.id })}>
              Delete
            </Button>
          </div>
        ) : null}
        {setPaused.error || remove.error ? <ErrorState title="That did not work" message={(setPaused.error ?? remove.error)?.message ?? ""} /> : null}
        {machines.data && machines.data.length > 0 ? (
          <Table aria-label={`Machines of ${remediation.name}`}>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Machine</TableHead>
                <TableHead scope="col">State</TableHead>
                <TableHead scope="col" className="text-right">
                  Tries
                </TableHead>
                <TableHead scope="col">Since</TableHead>
                <TableHead scope="col">Note</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {machines.data.map((machine) => (
                <TableRow key={machine.machineId} data-testid="remediation-machine-row">
                  <TableCell className="font-medium">{machine.hostname}</TableCell>
                  <TableCell data-testid="remediation-state">{machine.status === "failed" ? `failed after ${machine.attempts} tries` : stateLabels[machine.status]}</TableCell>
                  <TableCell className="text-right tabular-nums">{machine.attempts}</TableCell>
                  <TableCell>
                    <RelativeTime iso={machine.updatedAt} />
                  </TableCell>
                  <TableCell className="text-sm text-muted-foreground">
                    {machine.status === "failed" ? `Stopped: ${machine.lastError ?? "it kept failing"}` : machine.waiting ? `Waiting: ${machine.waiting}` : (machine.lastError ?? "")}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : (
          <p className="text-sm text-muted-foreground">No machine fails this rule yet.</p>
        )}
      </CardContent>
    </Card>
  );
}
