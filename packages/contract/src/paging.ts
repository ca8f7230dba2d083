// The one paging input of list procedures: a 1-based page number and a page size. Pages are what
// the dashboard shows (numbered pages with a total), and an offset page answers the same rows to a
// browser, a script with an API token and the CSV export. (The command queue pages differently:
// agents and its views read it by position.)
import { z } from "zod";

/** A page number no list reaches; a page past the end answers an empty or the last page, as each list says. */
const lastPageNumber = 1_000_000;

/** The paging fields of a list: `page` from 1, `pageSize` from 1 to `maxPageSize`. */
export function pageInput({ pageSize = 50, maxPageSize = 200 }: { pageSize?: number; maxPageSize?: number } = {}) {
  return z.object({
    page: z.number().int().min(1).max(lastPageNumber).default(1),
    pageSize: z.number().int().min(1).max(maxPageSize).default(pageSize),
  });
}

/** Paging with the usual sizes: 50 a page, at most 200. */
export const PageInput = pageInput();
export type PageInput = z.infer<typeof PageInput>;

/** How many rows a page skips. */
export function pageOffset({ page, pageSize }: PageInput): number {
  return (page - 1) * pageSize;
}
