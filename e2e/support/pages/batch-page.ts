// A batch's page: one row per machine a bulk command went to, with its status and live step logs.
import type { Page } from "@playwright/test";

export class BatchPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** "migrate on 2 machines". */
  heading(machines: number, kind = "migrate") {
    return this.page.getByRole("heading", { name: `${kind} on ${machines} machines` });
  }

  rows() {
    return this.page.getByTestId("batch-row");
  }

  row(hostname: string) {
    return this.rows().filter({ hasText: hostname });
  }

  /** The rows that show `text` anywhere (a status, a log line). */
  rowsShowing(text: string) {
    return this.rows().filter({ hasText: text });
  }

  status(hostname: string) {
    return this.row(hostname).getByTestId("batch-status");
  }

  log(hostname: string, step: string) {
    return this.row(hostname).getByTestId(`batch-log-${step}`);
  }
}
