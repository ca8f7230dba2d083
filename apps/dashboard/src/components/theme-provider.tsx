"use client";
// Light, dark or the system's choice, kept in localStorage and applied as a class on <html>
// before the page paints, so a reload never flashes the other theme.
import type { ComponentProps } from "react";
import { ThemeProvider as NextThemesProvider } from "next-themes";

export function ThemeProvider(props: ComponentProps<typeof NextThemesProvider>) {
  return <NextThemesProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange {...props} />;
}
