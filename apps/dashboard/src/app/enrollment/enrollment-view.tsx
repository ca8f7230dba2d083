"use client";
// The install commands (with the secret just created, if any), the enrollment secrets and the
// enrolled machines, with create and revoke for admins.
import Link from "next/link";
import { useId, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RelativeTime } from "~/components/relative-time";
import { useTRPC } from "~/trpc/client";

const agentFile = "~/.cachefleet/cachefleet-agent.mjs";

/** The shell lines that install the agent from this dashboard and enroll it with `secret`. */
function installCommands(origin: string, secret: string): string {
  return [
    `mkdir -p ~/.cachefleet && curl -fsSL ${origin}/downloads/cachefleet-agent.mjs -o ${agentFile}`,
    `node ${agentFile} enroll --server ${origin} --secret ${secret}`,
    `node ${agentFile} install`,
  ].join("\n");
}

export function EnrollmentView({ origin, canEdit }: { origin: string; canEdit: boolean }) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <InstallCommands origin={origin} created={created} />
      <Secrets canEdit={canEdit} onCreated={setCreated} />
      <Machines canEdit={canEdit} />
    </>
  );
}

function InstallCommands({ origin, created }: { origin: string; created: { name: string; secret: string } | null }) {
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
    <section aria-labelledby="install-heading" className="card">
      <h2 id="install-heading">Install an agent</h2>
      <p>
        On the Mac (it needs only Node 20 or later), run these in a terminal: they download the agent from this dashboard, enroll it, and start it at
        every login.
      </p>
      {created ? (
        <p role="status">
          New secret <strong>{created.name}</strong>: <code data-testid="new-secret">{created.secret}</code> — copy it now, it is shown only once.
        </p>
      ) : (
        <p className="muted">Create an enrollment secret below (admins) and it is filled in here; or replace &lt;ENROLLMENT_SECRET&gt; with one you have.</p>
      )}
      <pre data-testid="install-commands">{commands}</pre>
      <button type="button" onClick={() => void copy()}>
        Copy commands
      </button>{" "}
      <span role="status" className="muted">
        {copied === "copied" ? "Copied." : copied === "failed" ? "Copying was refused by the browser; select the text instead." : ""}
      </span>
    </section>
  );
}

function Secrets({ canEdit, onCreated }: { canEdit: boolean; onCreated: (created: { name: string; secret: string }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.enrollment.secrets.queryOptions(undefined, { refetchInterval: 10_000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enrollment.secrets.queryKey() });
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
  const [name, setName] = useState("");
  const nameId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };

  return (
    <section aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Enrollment secrets</h2>
      {canEdit ? (
        <form onSubmit={submit} className="actions">
          <label htmlFor={nameId}>Secret name</label>
          <input id={nameId} type="text" value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. Laptops 2026" maxLength={100} required />
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create secret"}
          </button>
          {create.error ? (
            <span className="error" role="alert">
              {create.error.message}
            </span>
          ) : null}
        </form>
      ) : (
        <p className="muted">Only admins can create or revoke secrets.</p>
      )}
      {revoke.error ? (
        <p className="error" role="alert">
          {revoke.error.message}
        </p>
      ) : null}
      {secrets.isPending ? (
        <p className="muted" role="status">
          Loading secrets…
        </p>
      ) : secrets.isError ? (
        <p className="error" role="alert">
          Could not load the secrets: {secrets.error.message}
        </p>
      ) : secrets.data.length === 0 ? (
        <p className="muted">No enrollment secrets yet.</p>
      ) : (
        <table>
          <caption className="muted">Secrets are stored hashed; a revoked secret enrolls no new machine, and machines it enrolled keep working.</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col" className="number">
                Machines
              </th>
              <th scope="col">Status</th>
              {canEdit ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {secrets.data.map((secret) => (
              <tr key={secret.id} data-testid="secret-row">
                <td>{secret.name}</td>
                <td>
                  <RelativeTime iso={secret.createdAt} /> <span className="muted">by {secret.createdByEmail ?? "setup"}</span>
                </td>
                <td>
                  <RelativeTime iso={secret.lastUsedAt} />
                </td>
                <td className="number">{secret.machines}</td>
                <td>{secret.revokedAt ? <span className="badge status-failed">revoked</span> : <span className="badge presence-online">active</span>}</td>
                {canEdit ? (
                  <td>
                    {secret.revokedAt ? null : (
                      <ConfirmButton
                        label="Revoke"
                        accessibleLabel={`Revoke secret ${secret.name}`}
                        title={`Revoke the secret “${secret.name}”?`}
                        body="No new machine can enroll with it. Machines it already enrolled keep working."
                        disabled={revoke.isPending}
                        onConfirm={() => revoke.mutate({ secretId: secret.id })}
                      />
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
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
  const revoke = useMutation(
    trpc.enrollment.revokeMachine.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(),
    }),
  );
  const pages = machines.data ? Math.max(1, Math.ceil(machines.data.total / machinesPerPage)) : 1;

  return (
    <section aria-labelledby="machines-heading">
      <h2 id="machines-heading">Enrolled machines</h2>
      {revoke.error ? (
        <p className="error" role="alert">
          {revoke.error.message}
        </p>
      ) : null}
      {machines.isPending ? (
        <p className="muted" role="status">
          Loading machines…
        </p>
      ) : machines.isError ? (
        <p className="error" role="alert">
          Could not load the machines: {machines.error.message}
        </p>
      ) : machines.data.total === 0 ? (
        <p className="muted">No machine is enrolled yet: run the commands above on a Mac.</p>
      ) : (
        <>
          <table>
            <caption className="muted">A revoked machine&apos;s token is refused at once; to bring it back, enroll it again.</caption>
            <thead>
              <tr>
                <th scope="col">Machine</th>
                <th scope="col">User</th>
                <th scope="col">Enrolled</th>
                <th scope="col">With secret</th>
                <th scope="col">Last seen</th>
                {canEdit ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {machines.data.machines.map((machine) => (
                <tr key={machine.id} data-testid="enrolled-machine-row">
                  <td>
                    <Link href={`/machines/${machine.id}`}>{machine.hostname}</Link>
                  </td>
                  <td>{machine.username || "—"}</td>
                  <td>
                    <RelativeTime iso={machine.enrolledAt} />
                  </td>
                  <td>{machine.enrolledWith ?? <span className="muted">deleted secret</span>}</td>
                  <td>
                    <RelativeTime iso={machine.lastSeenAt} />
                  </td>
                  {canEdit ? (
                    <td>
                      <ConfirmButton
                        label="Revoke"
                        accessibleLabel={`Revoke machine ${machine.hostname}`}
                        title={`Revoke ${machine.hostname}?`}
                        body="Its agent's token stops working at once: it can no longer report or receive commands, and it leaves the fleet. To bring it back, enroll it again."
                        disabled={revoke.isPending}
                        onConfirm={() => revoke.mutate({ machineId: machine.id })}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 ? (
            <nav aria-label="Machine pages" className="actions">
              <button type="button" className="button-secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button type="button" className="button-secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}

/** A button that asks first, in a modal dialog (Escape or Cancel closes it). */
function ConfirmButton(props: { label: string; accessibleLabel: string; title: string; body: string; disabled: boolean; onConfirm: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className="button-secondary" aria-label={props.accessibleLabel} disabled={props.disabled} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="card">
        <h3 id={titleId}>{props.title}</h3>
        <p>{props.body}</p>
        <form method="dialog" className="actions">
          <button type="submit" className="button-secondary" autoFocus>
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              props.onConfirm();
            }}
          >
            {props.label}
          </button>
        </form>
      </dialog>
    </>
  );
}
