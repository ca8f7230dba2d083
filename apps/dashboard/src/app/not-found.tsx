// Any address the dashboard does not know.
import Link from "next/link";
import { connection } from "next/server";
import { FileQuestionIcon } from "lucide-react";
import { EmptyState } from "~/components/empty-state";
import { PageMain } from "~/components/page-main";
import { TopBar } from "~/components/top-bar";
import { Button } from "~/components/ui/button";
import { currentUser } from "~/server/session";

export default async function NotFound() {
  // Who is signed in is known only per request; without this the page is prerendered at build time.
  await connection();
  const user = await currentUser();
  return (
    <>
      {user ? <TopBar user={user} /> : null}
      <PageMain className="max-w-2xl pt-16">
        <h1 data-slot="not-found-title" className="sr-only">
          Page not found
        </h1>
        <EmptyState
          icon={FileQuestionIcon}
          title="Page not found"
          description="There is nothing at this address. The link may be wrong, or what it pointed to was removed."
          action={
            <Button asChild>
              <Link href="/">Back to the fleet</Link>
            </Button>
          }
        />
      </PageMain>
    </>
  );
}
