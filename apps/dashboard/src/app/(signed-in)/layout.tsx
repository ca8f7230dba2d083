// The signed-in shell: the top bar above every page of the dashboard but the sign-in page. Anyone
// signed out is sent to sign in here; each page still asks for the user it needs (its role), since
// a layout is not rendered again when the browser moves between its pages.
import type { ReactNode } from "react";
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      {children}
    </>
  );
}
