// The bar above every signed-in page: where you are, who you are, and the way out.
import Link from "next/link";
import type { SessionUser } from "@cachefleet/db";
import { signOutAction } from "~/server/auth-actions";

export function TopBar({ user }: { user: SessionUser }) {
  return (
    <header className="top-bar">
      <nav className="top-bar-nav">
        <Link href="/" className="brand">
          Cachefleet
        </Link>
        <Link href="/">Fleet</Link>
        <Link href="/activity">Activity</Link>
      </nav>
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
