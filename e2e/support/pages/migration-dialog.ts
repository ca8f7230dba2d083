// The confirmation every "Migrate" button opens (a machine, a selection, an audit check): what the
// migration will do, the backup choice, and push or cancel.
import type { Locator } from "@playwright/test";

export class MigrationDialog {
  constructor(readonly root: Locator) {}

  heading(name: string) {
    return this.root.getByRole("heading", { name });
  }

  /** The steps the migration will take, in words. */
  plan() {
    return this.root.getByTestId("migration-plan");
  }

  keepBackup(name = "Keep a backup") {
    return this.root.getByRole("checkbox", { name });
  }

  async cancel(): Promise<void> {
    await this.root.getByRole("button", { name: "Cancel" }).click();
  }

  async push(): Promise<void> {
    await this.root.getByRole("button", { name: "Push the migration" }).click();
  }
}
