"use client";
// The users table and, for admins, the form that creates accounts and the controls that change a
// role or remove an account. The server enforces every rule; this only shows its answers.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertCircleIcon, CheckCircle2Icon, Trash2Icon, UserPlusIcon, UsersIcon } from "lucide-react";
import type { RouterOutputs } from "@cachefleet/api";
import { NewUserInput, type UserRole } from "@cachefleet/contract";
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
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "~/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { useTRPC } from "~/trpc/client";
import { checkInput, inputErrorsOf, type FieldErrors } from "~/trpc/input-errors";

type Role = UserRole;
type UserRow = RouterOutputs["users"]["list"][number];

const roles: { value: Role; label: string }[] = [
  { value: "viewer", label: "Viewer (read only)" },
  { value: "admin", label: "Admin" },
];

function isRole(value: string): value is Role {
  return value === "admin" || value === "viewer";
}

/** Below a field: its problem, found by the shared schema here or by the server. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} role="alert" className="text-sm text-destructive">
      {message}
    </p>
  ) : null;
}

function Outcome({ outcome }: { outcome: { kind: "error" | "done"; message: string } | null }) {
  if (!outcome) return null;
  return outcome.kind === "error" ? (
    <Alert variant="destructive">
      <AlertCircleIcon aria-hidden />
      <AlertDescription>{outcome.message}</AlertDescription>
    </Alert>
  ) : (
    <Alert role="status">
      <CheckCircle2Icon aria-hidden />
      <AlertDescription>{outcome.message}</AlertDescription>
    </Alert>
  );
}

function CreateUserForm({ onDone }: { onDone: () => Promise<void> }) {
  const trpc = useTRPC();
  const [role, setRole] = useState<Role>("viewer");
  const [outcome, setOutcome] = useState<{ kind: "error" | "done"; message: string } | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(trpc.users.create.mutationOptions());

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" ? value : "";
    };
    setOutcome(null);
    const checked = checkInput(NewUserInput, { email: text("email"), name: text("name"), role, password: text("password") });
    setErrors(checked.errors ?? {});
    if (!checked.values) return;
    try {
      const user = await create.mutateAsync(checked.values);
      form.reset();
      setRole("viewer");
      setOutcome({ kind: "done", message: `Created ${user.email} (${user.role}). Give them the initial password.` });
      await onDone();
    } catch (error) {
      const refused = inputErrorsOf(error);
      if (refused) setErrors(refused);
      else setOutcome({ kind: "error", message: error instanceof Error ? error.message : "The user could not be created." });
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2 className="text-lg font-semibold">Add a user</h2>
        </CardTitle>
        <CardDescription>There is no public sign-up: accounts exist only when an admin creates them here.</CardDescription>
      </CardHeader>
      <CardContent>
        <form aria-label="Add a user" onSubmit={(event) => void submit(event)} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end">
          <div className="grid gap-2">
            <Label htmlFor="new-user-email">Email</Label>
            <Input id="new-user-email" name="email" type="email" autoComplete="off" required maxLength={320} aria-invalid={errors.email ? true : undefined} aria-describedby={errors.email ? "new-user-email-error" : undefined} />
            <FieldError id="new-user-email-error" message={errors.email} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="new-user-name">Name</Label>
            <Input id="new-user-name" name="name" autoComplete="off" required maxLength={100} aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? "new-user-name-error" : undefined} />
            <FieldError id="new-user-name-error" message={errors.name} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="new-user-role">Role</Label>
            <Select value={role} onValueChange={(value) => isRole(value) && setRole(value)}>
              <SelectTrigger id="new-user-role" className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {roles.map((option) => (
                  <SelectItem key={option.value} value={option.value}>
                    {option.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-2">
            <Label htmlFor="new-user-password">Initial password</Label>
            <Input id="new-user-password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} aria-invalid={errors.password ? true : undefined} aria-describedby={errors.password ? "new-user-password-error" : undefined} />
            <FieldError id="new-user-password-error" message={errors.password} />
          </div>
          <Button type="submit" disabled={create.isPending}>
            <UserPlusIcon aria-hidden />
            {create.isPending ? "Creating…" : "Create user"}
          </Button>
        </form>
        <div className="mt-4 empty:hidden">
          <Outcome outcome={outcome} />
        </div>
      </CardContent>
    </Card>
  );
}

function RoleControl({ user, onChange }: { user: UserRow; onChange: (role: Role) => void }) {
  return (
    <Select value={user.role} onValueChange={(value) => isRole(value) && value !== user.role && onChange(value)}>
      <SelectTrigger size="sm" aria-label={`Role of ${user.email}`} className="w-32">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value="viewer">viewer</SelectItem>
        <SelectItem value="admin">admin</SelectItem>
      </SelectContent>
    </Select>
  );
}

function RemoveControl({ user, onRemove }: { user: UserRow; onRemove: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Remove ${user.email}`}>
          <Trash2Icon aria-hidden />
          <span className="hidden lg:inline">Remove</span>
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Remove {user.email}?</AlertDialogTitle>
          <AlertDialogDescription>
            Their sessions end at once and they can no longer sign in. Commands they pushed stay in the history.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep</AlertDialogCancel>
          <AlertDialogAction onClick={onRemove}>Remove</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

export function UsersView({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [outcome, setOutcome] = useState<{ kind: "error" | "done"; message: string } | null>(null);
  const setRole = useMutation(trpc.users.setRole.mutationOptions());
  const remove = useMutation(trpc.users.remove.mutationOptions());

  async function change(action: () => Promise<unknown>, done: string) {
    setOutcome(null);
    try {
      await action();
      setOutcome({ kind: "done", message: done });
    } catch (error) {
      setOutcome({ kind: "error", message: error instanceof Error ? error.message : "The change failed." });
    }
    await refresh();
  }

  return (
    <div className="grid min-w-0 gap-6 [&>*]:min-w-0">
      {isAdmin ? <CreateUserForm onDone={refresh} /> : null}
      <Outcome outcome={outcome} />
      {users.isPending ? (
        <LoadingState label="Loading users…" rows={3} />
      ) : users.isError ? (
        <ErrorState title="The users could not be loaded" message={users.error.message} onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState icon={UsersIcon} title="No users yet" description="The first admin is created when the dashboard first starts." />
      ) : (
        <div className="rounded-xl border">
          <Table aria-label="Users">
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Email</TableHead>
                <TableHead scope="col">Name</TableHead>
                <TableHead scope="col">Role</TableHead>
                <TableHead scope="col">Created</TableHead>
                <TableHead scope="col">Last sign-in</TableHead>
                {isAdmin ? (
                  <TableHead scope="col">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                ) : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {users.data.map((user) => (
                <TableRow key={user.id} data-testid="user-row">
                  <TableCell className="font-medium">
                    {user.email}
                    {user.isYou ? (
                      <Badge variant="outline" className="ml-2">
                        you
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell>{user.name || <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell>
                    {isAdmin && !user.isYou ? (
                      <RoleControl
                        user={user}
                        onChange={(role) => void change(() => setRole.mutateAsync({ userId: user.id, role }), `${user.email} is now ${role}.`)}
                      />
                    ) : (
                      <Badge variant={user.role === "admin" ? "default" : "secondary"}>{user.role}</Badge>
                    )}
                  </TableCell>
                  <TableCell>
                    <RelativeTime iso={user.createdAt} />
                  </TableCell>
                  <TableCell>
                    <RelativeTime iso={user.lastSignInAt} fallback="never" />
                  </TableCell>
                  {isAdmin ? (
                    <TableCell className="text-right">
                      {/* Nobody removes or demotes themselves (the server refuses it too), so the team keeps an admin. */}
                      {user.isYou ? (
                        <span className="text-muted-foreground text-xs">Another admin can change your account</span>
                      ) : (
                        <RemoveControl user={user} onRemove={() => void change(() => remove.mutateAsync({ userId: user.id }), `${user.email} was removed.`)} />
                      )}
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
