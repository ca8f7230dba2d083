"use client";
// Any page that throws ends here: the reason, and a retry that renders the page again.
import { useEffect } from "react";
import Link from "next/link";
import { ErrorState } from "~/components/error-state";
import { PageMain } from "~/components/page-main";
import { Button } from "~/components/ui/button";

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <PageMain className="max-w-2xl pt-16">
      <h1 data-slot="error-title" className="mb-4 text-2xl font-semibold tracking-tight">
        This page could not be shown
      </h1>
      <ErrorState
        title="The dashboard hit an error"
        // In production Next hides server error messages; the digest matches the server's log line.
        message={error.digest ? `Reference ${error.digest} in the dashboard's log.` : error.message}
        onRetry={reset}
      />
      <Button asChild variant="link" className="mt-4 px-0">
        <Link href="/">Back to the fleet</Link>
      </Button>
    </PageMain>
  );
}
