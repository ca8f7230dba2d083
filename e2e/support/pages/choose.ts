// The dashboard's drop-down (its Choice component, a listbox rather than a native select), as every
// page object picks from it.
import { expect, type Page } from "@playwright/test";

/** Picks `option` in the labelled drop-down. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
  // While its list is open the Select hides the rest of the page from the accessibility tree;
  // until the list is gone, a role query that does not wait (`all()`) would find nothing.
  await expect(page.getByRole("listbox")).toHaveCount(0);
}
