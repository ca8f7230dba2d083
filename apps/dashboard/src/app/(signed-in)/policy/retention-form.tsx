"use client";
// Retention on the Policy page: how long full reports are kept whole, then one a day, and how
// long command step logs and the activity log are kept. The background job applies a change
// within minutes (packages/db retention.ts); the machine's latest report always stays.
import { useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@cachefleet/api";
import { RetentionInput } from "@cachefleet/contract";
import { CheckCircle2Icon } from "lucide-react";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { Alert, AlertTitle } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input } from "~/components/ui/input";
import { useTRPC } from "~/trpc/client";
import { checkInput, inputErrorsOf, numberFrom, type FieldErrors } from "~/trpc/input-errors";
import { Field } from "./policy-form";

type Retention = RouterOutputs["policy"]["retention"];
const fields = ["keepAllReportsDays", "keepDailyReportsDays", "keepLogsDays"] as const;
type FieldName = (typeof fields)[number];
type Draft = Record<FieldName, string>;

const labels: Record<FieldName, { label: string; hint: string }> = {
  keepAllReportsDays: { label: "Keep every full report (days)", hint: "Every full report a machine sent stays this long." },
  keepDailyReportsDays: { label: "Then keep one report a day until (days)", hint: "Older reports are thinned to each machine's last of the day, then deleted after this many days." },
  keepLogsDays: { label: "Keep command step logs and activity (days)", hint: "Step logs of finished commands and activity entries older than this are deleted." },
};

/** The procedure's own schema checks the draft, so mistakes show before saving. */
function validate(draft: Draft): { errors: FieldErrors; values: RetentionInput | null } {
  const checked = checkInput(RetentionInput, Object.fromEntries(fields.map((field) => [field, numberFrom(draft[field])])));
  return { errors: checked.errors ?? {}, values: checked.values };
}

const draftOf = (retention: Pick<Retention, FieldName>): Draft => ({
  keepAllReportsDays: String(retention.keepAllReportsDays),
  keepDailyReportsDays: String(retention.keepDailyReportsDays),
  keepLogsDays: String(retention.keepLogsDays),
});

export function RetentionForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const retention = useQuery(trpc.policy.retention.queryOptions());
  if (retention.isPending) return <LoadingState label="Loading retention…" rows={2} />;
  if (retention.isError) return <ErrorState title="Could not load retention" message={retention.error.message} onRetry={() => void retention.refetch()} />;
  return <RetentionEditor retention={retention.data} canEdit={canEdit} />;
}

function RetentionEditor({ retention, canEdit }: { retention: Retention; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(retention));
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation(
    trpc.policy.updateRetention.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.policy.retention.queryKey() }),
      onError: (error) => setErrors(inputErrorsOf(error) ?? {}),
    }),
  );
  useEffect(() => {
    if (save.data) setDraft(draftOf(save.data));
  }, [save.data]);
  const ids = { keepAllReportsDays: useId(), keepDailyReportsDays: useId(), keepLogsDays: useId() };
  const disabled = !canEdit || save.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { errors: found, values } = validate(draft);
    setErrors(found);
    if (values) save.mutate(values);
  };

  return (
    <form onSubmit={submit} noValidate className="mt-6 space-y-4">
      <Card>
        <CardHeader>
          <CardTitle role="heading" aria-level={2}>
            Retention
          </CardTitle>
          <CardDescription>How long report history and logs are kept. Each machine&apos;s latest report is always kept.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {fields.map((field) => (
            <Field key={field} id={ids[field]} label={labels[field].label} error={errors[field]} hint={labels[field].hint}>
              <Input
                id={ids[field]}
                type="number"
                min={1}
                max={3650}
                step={1}
                value={draft[field]}
                onChange={(event) => setDraft((current) => ({ ...current, [field]: event.target.value }))}
                disabled={disabled}
                className="w-40"
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={`${ids[field]}-${errors[field] ? "error" : "hint"}`}
              />
            </Field>
          ))}
        </CardContent>
      </Card>
      {canEdit ? (
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save retention"}
        </Button>
      ) : null}
      {save.error && !inputErrorsOf(save.error) ? <ErrorState title="Retention was not saved" message={save.error.message} /> : null}
      {save.data ? (
        <Alert role="status" data-testid="retention-saved">
          <CheckCircle2Icon aria-hidden />
          <AlertTitle>Saved: the retention job applies it within minutes.</AlertTitle>
        </Alert>
      ) : null}
    </form>
  );
}
