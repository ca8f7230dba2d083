"use client";
// The policy form. Saving stores the policy and evaluates every machine's findings again; the
// answer says how many machines changed health.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@cachefleet/api";
import { PolicyInput } from "@cachefleet/contract";
import { CheckCircle2Icon, InfoIcon } from "lucide-react";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { RelativeTime } from "~/components/relative-time";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Switch } from "~/components/ui/switch";
import { useTRPC } from "~/trpc/client";
import { checkInput, inputErrorsOf, numberFrom, type FieldErrors } from "~/trpc/input-errors";

type Policy = RouterOutputs["policy"]["get"];

interface Draft {
  requireEncryption: boolean;
  requireEncryptedFromGo: string;
  cacheSizeWarningGb: string;
  offlineAfterMinutes: string;
  /** Empty for no rotation age. */
  rotateKeyEveryDays: string;
}

type Errors = FieldErrors;

function draftOf(policy: Policy): Draft {
  return {
    requireEncryption: policy.requireEncryption,
    requireEncryptedFromGo: policy.requireEncryptedFromGo,
    cacheSizeWarningGb: String(Math.round(policy.cacheSizeWarningGb * 100) / 100),
    offlineAfterMinutes: String(policy.offlineAfterMinutes),
    rotateKeyEveryDays: policy.rotateKeyEveryDays === null ? "" : String(policy.rotateKeyEveryDays),
  };
}

/** The procedure's own schema checks the draft, so mistakes show next to their field before saving. */
function validate(draft: Draft): { errors: Errors; values: PolicyInput | null } {
  const rotateText = draft.rotateKeyEveryDays.trim();
  const checked = checkInput(PolicyInput, {
    requireEncryption: draft.requireEncryption,
    requireEncryptedFromGo: draft.requireEncryptedFromGo,
    cacheSizeWarningGb: numberFrom(draft.cacheSizeWarningGb),
    offlineAfterMinutes: numberFrom(draft.offlineAfterMinutes),
    rotateKeyEveryDays: rotateText === "" ? null : numberFrom(rotateText),
  });
  return { errors: checked.errors ?? {}, values: checked.values };
}

export function PolicyForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const policy = useQuery(trpc.policy.get.queryOptions());
  if (policy.isPending) return <LoadingState label="Loading the policy…" rows={4} />;
  if (policy.isError) return <ErrorState title="Could not load the policy" message={policy.error.message} onRetry={() => void policy.refetch()} />;
  return <PolicyEditor policy={policy.data} canEdit={canEdit} />;
}

function PolicyEditor({ policy, canEdit }: { policy: Policy; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(policy));
  const [errors, setErrors] = useState<Errors>({});
  const save = useMutation(
    trpc.policy.update.mutationOptions({
      // Findings changed everywhere: every page's data is stale.
      onSuccess: () => void queryClient.invalidateQueries(),
      // A refused field shows beside the field, as the form's own check would have shown it.
      onError: (error) => setErrors(inputErrorsOf(error) ?? {}),
    }),
  );
  useEffect(() => {
    if (save.data) setDraft(draftOf(save.data.policy));
  }, [save.data]);
  const ids = { encryption: useId(), goVersion: useId(), size: useId(), offline: useId(), rotate: useId() };
  const set = (field: keyof Draft) => (value: string | boolean) => setDraft((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { errors: found, values } = validate(draft);
    setErrors(found);
    if (values) save.mutate(values);
  };
  const disabled = !canEdit || save.isPending;
  const shown = save.data?.policy ?? policy;

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {canEdit ? null : (
        <Alert>
          <InfoIcon aria-hidden />
          <AlertTitle>Read only</AlertTitle>
          <AlertDescription>Only admins can change the policy.</AlertDescription>
        </Alert>
      )}
      <Card>
        <CardHeader>
          <CardTitle role="heading" aria-level={2}>
            Encryption
          </CardTitle>
          <CardDescription>Whether build caches must be stored encrypted, and from which Go release on.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          <div className="flex items-start gap-3">
            <Switch
              id={ids.encryption}
              checked={draft.requireEncryption}
              onCheckedChange={(checked) => set("requireEncryption")(checked)}
              disabled={disabled}
              aria-describedby={`${ids.encryption}-hint`}
              className="mt-0.5"
            />
            <div className="grid gap-1">
              <Label htmlFor={ids.encryption}>Require encrypted caches</Label>
              <p id={`${ids.encryption}-hint`} className="text-sm text-muted-foreground">
                When off, no machine gets a finding for a plaintext cache or a missing Keychain key.
              </p>
            </div>
          </div>
          <Field id={ids.goVersion} label="Required from Go version" error={errors.requireEncryptedFromGo} hint="Machines running this Go release or later must have an encrypted cache, e.g. 1.22.">
            <Input
              id={ids.goVersion}
              inputMode="decimal"
              value={draft.requireEncryptedFromGo}
              onChange={(event) => set("requireEncryptedFromGo")(event.target.value)}
              disabled={disabled || !draft.requireEncryption}
              className="w-40"
              aria-invalid={errors.requireEncryptedFromGo ? true : undefined}
              aria-describedby={`${ids.goVersion}-${errors.requireEncryptedFromGo ? "error" : "hint"}`}
            />
          </Field>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle role="heading" aria-level={2}>
            Thresholds
          </CardTitle>
          <CardDescription>When a cache counts as too large, and a machine as offline.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          <Field id={ids.size} label="Cache size warning (GB)" error={errors.cacheSizeWarningGb} hint="A cache larger than this gets a “cache too large” warning.">
            <Input
              id={ids.size}
              type="number"
              min={0}
              step="any"
              value={draft.cacheSizeWarningGb}
              onChange={(event) => set("cacheSizeWarningGb")(event.target.value)}
              disabled={disabled}
              className="w-40"
              aria-invalid={errors.cacheSizeWarningGb ? true : undefined}
              aria-describedby={`${ids.size}-${errors.cacheSizeWarningGb ? "error" : "hint"}`}
            />
          </Field>
          <Field id={ids.offline} label="Offline after (minutes)" error={errors.offlineAfterMinutes} hint="A machine that has not reported for this long shows as offline.">
            <Input
              id={ids.offline}
              type="number"
              min={1}
              step={1}
              value={draft.offlineAfterMinutes}
              onChange={(event) => set("offlineAfterMinutes")(event.target.value)}
              disabled={disabled}
              className="w-40"
              aria-invalid={errors.offlineAfterMinutes ? true : undefined}
              aria-describedby={`${ids.offline}-${errors.offlineAfterMinutes ? "error" : "hint"}`}
            />
          </Field>
          <Field
            id={ids.rotate}
            label="Rotate the cache key every (days)"
            error={errors.rotateKeyEveryDays}
            hint="Machines whose encryption key is older show a finding and appear in the audit; leave empty for no rotation age."
          >
            <Input
              id={ids.rotate}
              type="number"
              min={1}
              step={1}
              value={draft.rotateKeyEveryDays}
              onChange={(event) => set("rotateKeyEveryDays")(event.target.value)}
              disabled={disabled}
              className="w-40"
              aria-invalid={errors.rotateKeyEveryDays ? true : undefined}
              aria-describedby={`${ids.rotate}-${errors.rotateKeyEveryDays ? "error" : "hint"}`}
            />
          </Field>
        </CardContent>
      </Card>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving and re-evaluating…" : "Save policy"}
          </Button>
          <span className="text-sm text-muted-foreground">
            Last changed <RelativeTime iso={shown.updatedAt} />
            {shown.updatedByEmail ? ` by ${shown.updatedByEmail}` : " (the defaults)"}.
          </span>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">
          Last changed <RelativeTime iso={shown.updatedAt} />
          {shown.updatedByEmail ? ` by ${shown.updatedByEmail}` : " (the defaults)"}.
        </p>
      )}
      {save.error && !inputErrorsOf(save.error) ? <ErrorState title="The policy was not saved" message={save.error.message} /> : null}
      {save.data ? (
        <Alert role="status" data-testid="policy-saved">
          <CheckCircle2Icon aria-hidden />
          <AlertTitle>Saved</AlertTitle>
          <AlertDescription>
            Findings re-evaluated for {save.data.reevaluation.evaluated} machine{save.data.reevaluation.evaluated === 1 ? "" : "s"}: {save.data.reevaluation.healthChanged} changed
            health, {save.data.reevaluation.findingsChanged} changed findings.
          </AlertDescription>
        </Alert>
      ) : null}
    </form>
  );
}

export function Field({ id, label, hint, error, children }: { id: string; label: string; hint: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-sm text-muted-foreground">
          {hint}
        </p>
      )}
    </div>
  );
}
