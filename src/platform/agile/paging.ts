import type { Logger } from 'pino';
import { AgileError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** Cursor for the next page; undefined at the end of the list. */
  cursor: string | undefined;
}

export interface PageOptions {
  /** Default 200: Agile times out (60 s) on huge pages. */
  pageSize?: number;
  cursor?: string;
}

export interface IterateOptions {
  pageSize?: number;
  /** Stop after this many pages even if the CRM offers more. Default 50. */
  maxPages?: number;
}

export const DEFAULT_PAGE_SIZE = 200;
export const DEFAULT_MAX_PAGES = 50;

/**
 * Agile puts the paging cursor on the LAST element of a page and a `count` on the first: split
 * them off so records never carry them. Returns the raw (unvalidated) records and the cursor.
 */
export function splitPage(data: unknown): { records: unknown[]; cursor: string | undefined } {
  if (data === null || data === undefined) return { records: [], cursor: undefined };
  if (!Array.isArray(data)) return { records: data as unknown[], cursor: undefined };
  let cursor: string | undefined;
  const records = data.map((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
    const { cursor: c, count: _count, ...rest } = record as Record<string, unknown>;
    if (index === data.length - 1 && typeof c === 'string' && c.trim() !== '') cursor = c;
    return rest;
  });
  return { records, cursor };
}

/** Same as splitPage but only strips the fields (for lists that do not page). */
export function stripPagingFields(data: unknown): unknown {
  return Array.isArray(data) ? splitPage(data).records : data;
}

/**
 * Pages until there is no cursor, with a page cap and a guard against a cursor that repeats
 * (which would otherwise loop forever).
 */
export async function* iteratePages<T>(
  fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page<T>>,
  options: IterateOptions = {},
  logger?: Logger,
): AsyncGenerator<T, void, undefined> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; page <= maxPages; page++) {
    const result = await fetchPage(cursor, pageSize);
    yield* result.items;
    if (result.cursor === undefined) return;
    if (seen.has(result.cursor)) {
      throw new AgileError({
        kind: 'bad_response',
        badAnswer: 'repeated_cursor',
        message: `Agile CRM returned the same paging cursor twice (page ${page}); stopping to avoid a loop`,
      });
    }
    seen.add(result.cursor);
    cursor = result.cursor;
  }
  logger?.warn(
    { agile: { maxPages, pageSize } },
    'agile paging stopped at the page cap; the list is truncated',
  );
}

/** Collects an async iterable into an array (tests, small lists). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
