// The bar above every signed-in page: where you are, who you are, and the way out.
import Link from "next/link";
import type { SessionUser } from "@cachefleet/db";
import { signOutAction } from "~/server/auth-actions";

export function TopBar({ user }: { user: SessionUser }) {
  return (
    <header className="top-bar">
      <Link href="/" className="brand">
        Cachefleet
      </Link>
      <div className="top-bar-user">
        <span>
          {user.email} <span className="muted">({user.role})</span>
        </span>
        <form action={signOutAction}>
          <button type="submit" className="button-secondary">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}
