// The bar above every signed-in page: the sections, who is signed in, the theme, and the way out.
import Link from "next/link";
import { LogOutIcon } from "lucide-react";
import type { SessionUser } from "@cachefleet/db";
import { NavLinks, NavMenu } from "~/components/nav-links";
import { ThemeToggle } from "~/components/theme-toggle";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { signOutAction } from "~/server/auth-actions";

/** Where the skip link lands: right after the bar, so the next Tab is the page's first control. */
export const mainContentId = "main-content";

export function TopBar({ user }: { user: SessionUser }) {
  return (
    <>
      <a
        href={`#${mainContentId}`}
        data-slot="skip-link"
        className="sr-only z-50 rounded-md bg-background px-4 py-2 text-sm font-medium shadow-md ring-[3px] ring-ring/50 focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b bg-background/95 backdrop-blur supports-[backdrop-filter]:bg-background/70">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:px-6">
          <NavMenu email={user.email} role={user.role} />
          <Link
            href="/"
            data-slot="brand"
            className="mr-2 flex shrink-0 items-center gap-2 rounded-md font-semibold tracking-tight outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            <img src="/icon.svg" alt="" width={20} height={20} />
            Cachefleet
          </Link>
          <NavLinks />
          <div className="ml-auto flex items-center gap-2">
            <span className="hidden min-w-0 items-center gap-2 text-sm sm:flex" data-testid="signed-in-user">
              {/* Between xl (the nine section links inline) and 2xl the email does not fit beside them: the role still shows, and Sign out names the email. */}
              <span className="truncate xl:hidden 2xl:inline" title={user.email}>
                {user.email}
              </span>
              <Badge variant={user.role === "admin" ? "default" : "secondary"}>{user.role}</Badge>
            </span>
            <ThemeToggle />
            <form action={signOutAction}>
              <Button type="submit" variant="outline" size="sm" aria-label="Sign out" title={`Sign out ${user.email}`}>
                <LogOutIcon aria-hidden />
                <span className="hidden sm:inline">Sign out</span>
              </Button>
            </form>
          </div>
        </div>
      </header>
      <div id={mainContentId} tabIndex={-1} className="outline-none" />
    </>
  );
}
