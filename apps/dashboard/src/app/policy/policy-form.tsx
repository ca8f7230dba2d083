"use client";
// The policy form. Saving stores the policy and evaluates every machine's findings again; the
// answer says how many machines changed health.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@cachefleet/api";
import { isGoRelease } from "@cachefleet/health";
import { RelativeTime } from "~/components/relative-time";
import { useTRPC } from "~/trpc/client";

type Policy = RouterOutputs["policy"]["get"];

interface Draft {
  requireEncryption: boolean;
  requireEncryptedFromGo: string;
  cacheSizeWarningGb: string;
  offlineAfterMinutes: string;
}

type Errors = Partial<Record<keyof Draft, string>>;

function draftOf(policy: Policy): Draft {
  return {
    requireEncryption: policy.requireEncryption,
    requireEncryptedFromGo: policy.requireEncryptedFromGo,
    cacheSizeWarningGb: String(Math.round(policy.cacheSizeWarningGb * 100) / 100),
    offlineAfterMinutes: String(policy.offlineAfterMinutes),
  };
}

/** The same limits the server checks, so mistakes show next to their field before saving. */
function validate(draft: Draft): { errors: Errors; values: { requireEncryption: boolean; requireEncryptedFromGo: string; cacheSizeWarningGb: number; offlineAfterMinutes: number } | null } {
  const errors: Errors = {};
  const goVersion = draft.requireEncryptedFromGo.trim();
  if (!isGoRelease(goVersion)) errors.requireEncryptedFromGo = 'Give a Go release such as "1.22" or "1.21.5".';
  const gb = Number(draft.cacheSizeWarningGb);
  if (draft.cacheSizeWarningGb.trim() === "" || !Number.isFinite(gb) || gb <= 0 || gb > 10_240) errors.cacheSizeWarningGb = "Give a size above 0 and at most 10,240 GB.";
  const minutes = Number(draft.offlineAfterMinutes);
  if (draft.offlineAfterMinutes.trim() === "" || !Number.isInteger(minutes) || minutes < 1 || minutes > 43_200) errors.offlineAfterMinutes = "Give whole minutes, from 1 to 43,200 (30 days).";
  if (Object.keys(errors).length > 0) return { errors, values: null };
  return { errors, values: { requireEncryption: draft.requireEncryption, requireEncryptedFromGo: goVersion, cacheSizeWarningGb: gb, offlineAfterMinutes: minutes } };
}

export function PolicyForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const policy = useQuery(trpc.policy.get.queryOptions());
  if (policy.isPending) return <p className="muted" role="status">Loading the policy…</p>;
  if (policy.isError) return <p className="error" role="alert">Could not load the policy: {policy.error.message}</p>;
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
    }),
  );
  useEffect(() => {
    if (save.data) setDraft(draftOf(save.data.policy));
  }, [save.data]);
  const ids = { encryption: useId(), goVersion: useId(), size: useId(), offline: useId() };
  const set = (field: keyof Draft) => (value: string | boolean) => setDraft((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { errors: found, values } = validate(draft);
    setErrors(found);
    if (values) save.mutate(values);
  };
  const describedBy = (id: string, field: keyof Draft) => (errors[field] ? `${id}-error` : `${id}-hint`);
  const disabled = !canEdit || save.isPending;

  return (
    <form onSubmit={submit} className="card policy-form" noValidate aria-describedby="policy-updated">
      {canEdit ? null : <p className="muted">Only admins can change the policy.</p>}
      <div className="field">
        <input
          id={ids.encryption}
          type="checkbox"
          role="switch"
          checked={draft.requireEncryption}
          onChange={(event) => set("requireEncryption")(event.target.checked)}
          disabled={disabled}
          aria-describedby={`${ids.encryption}-hint`}
        />{" "}
        <label htmlFor={ids.encryption}>Require encrypted caches</label>
        <p id={`${ids.encryption}-hint`} className="muted">
          When off, no machine gets a finding for a plaintext cache or a missing Keychain key.
        </p>
      </div>
      <Field id={ids.goVersion} label="Required from Go version" error={errors.requireEncryptedFromGo} hint="Machines running this Go release or later must have an encrypted cache, e.g. 1.22.">
        <input
          id={ids.goVersion}
          type="text"
          inputMode="decimal"
          value={draft.requireEncryptedFromGo}
          onChange={(event) => set("requireEncryptedFromGo")(event.target.value)}
          disabled={disabled || !draft.requireEncryption}
          aria-invalid={errors.requireEncryptedFromGo ? true : undefined}
          aria-describedby={describedBy(ids.goVersion, "requireEncryptedFromGo")}
        />
      </Field>
      <Field id={ids.size} label="Cache size warning (GB)" error={errors.cacheSizeWarningGb} hint="A cache larger than this gets a “cache too large” warning.">
        <input
          id={ids.size}
          type="number"
          min={0}
          step="any"
          value={draft.cacheSizeWarningGb}
          onChange={(event) => set("cacheSizeWarningGb")(event.target.value)}
          disabled={disabled}
          aria-invalid={errors.cacheSizeWarningGb ? true : undefined}
          aria-describedby={describedBy(ids.size, "cacheSizeWarningGb")}
        />
      </Field>
      <Field id={ids.offline} label="Offline after (minutes)" error={errors.offlineAfterMinutes} hint="A machine that has not reported for this long shows as offline.">
        <input
          id={ids.offline}
          type="number"
          min={1}
          step={1}
          value={draft.offlineAfterMinutes}
          onChange={(event) => set("offlineAfterMinutes")(event.target.value)}
          disabled={disabled}
          aria-invalid={errors.offlineAfterMinutes ? true : undefined}
          aria-describedby={describedBy(ids.offline, "offlineAfterMinutes")}
        />
      </Field>
      {canEdit ? (
        <p className="actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving and re-evaluating…" : "Save policy"}
          </button>
        </p>
      ) : null}
      {save.error ? (
        <p className="error" role="alert">
          The policy was not saved: {save.error.message}
        </p>
      ) : null}
      {save.data ? (
        <p role="status" data-testid="policy-saved">
          Saved. Findings re-evaluated for {save.data.reevaluation.evaluated} machine{save.data.reevaluation.evaluated === 1 ? "" : "s"}:{" "}
          {save.data.reevaluation.healthChanged} changed health, {save.data.reevaluation.findingsChanged} changed findings.
        </p>
      ) : null}
      <p id="policy-updated" className="muted">
        Last changed <RelativeTime iso={(save.data?.policy ?? policy).updatedAt} />
        {(save.data?.policy ?? policy).updatedByEmail ? ` by ${(save.data?.policy ?? policy).updatedByEmail}` : " (defaults)"}.
      </p>
    </form>
  );
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="muted">
          {hint}
        </p>
      )}
    </div>
  );
}
