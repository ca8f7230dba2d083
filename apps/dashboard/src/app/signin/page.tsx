// The sign-in page; someone already signed in goes straight to the fleet.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { currentUser } from "~/server/session";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in · Cachefleet" };

export default async function SignInPage() {
  if (await currentUser()) redirect("/");
  return (
    <main className="flex min-h-svh items-center justify-center px-4 py-12">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <div className="mb-2 flex items-center gap-2 font-semibold tracking-tight">
            <img src="/icon.svg" alt="" width={24} height={24} />
            Cachefleet
          </div>
          <CardTitle>
            <h1 className="text-xl font-semibold tracking-tight">Sign in to Cachefleet</h1>
          </CardTitle>
          <CardDescription>Accounts are created by an admin on the Users page.</CardDescription>
        </CardHeader>
        <CardContent>
          <SignInForm />
        </CardContent>
      </Card>
    </main>
  );
}
