// Why the fleet could not be shown: an ended session sends back to sign in; anything else can be retried.
import { ErrorState } from "~/components/error-state";

export function FleetError({ code, message, onRetry }: { code: string | undefined; message: string; onRetry: () => void }) {
  if (code === "UNAUTHORIZED") {
    return (
      <ErrorState
        title="Your session has ended"
        message={
          <a className="underline" href="/signin">
            Sign in again
          </a>
        }
      />
    );
  }
  return <ErrorState title="Could not load the fleet" message={message} onRetry={onRetry} />;
}
