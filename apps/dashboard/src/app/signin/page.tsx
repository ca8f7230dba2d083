// The sign-in page; someone already signed in goes straight to the fleet.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "~/server/session";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in · Cachefleet" };

export default async function SignInPage() {
  if (await currentUser()) redirect("/");
  return (
    <main className="signin">
      <h1>Sign in to Cachefleet</h1>
      <div className="card">
        <SignInForm />
      </div>
    </main>
  );
}
