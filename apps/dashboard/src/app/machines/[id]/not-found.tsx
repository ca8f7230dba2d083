// Shown for a machine id that does not exist (or no longer does).
import Link from "next/link";

export default function MachineNotFound() {
  return (
    <main>
      <h1>Machine not found</h1>
      <p data-testid="machine-not-found">
        There is no machine with this id. It may have been removed, or the link is wrong.
      </p>
      <p>
        <Link href="/">Back to the fleet</Link>
      </p>
    </main>
  );
}
