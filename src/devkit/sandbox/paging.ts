import { javaException, noContent, ok, type RouteContext, type SimResponse } from './http.js';

const CURSOR_PREFIX = 'E-ABAIICNG';

/** Opaque, datastore-looking cursor that encodes the list name and the next offset. */
export function encodeCursor(listKey: string, offset: number): string {
  return CURSOR_PREFIX + Buffer.from(`sim|${listKey}|${offset}`).toString('base64url');
}

export function decodeCursor(listKey: string, cursor: string): number {
  const fail = () =>
    javaException(
      'java.lang.IllegalArgumentException',
      `Unable to parse cursor: ${cursor}\nCaused by: com.google.appengine.repackaged.com.google.protobuf.InvalidProtocolBufferException: Protocol message end-group tag did not match expected tag.`,
    );
  if (!cursor.startsWith(CURSOR_PREFIX)) throw fail();
  const decoded = Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8');
  const parts = decoded.split('|');
  if (parts.length !== 3 || parts[0] !== 'sim' || parts[1] !== listKey || !/^\d+$/.test(parts[2] ?? '')) {
    throw fail();
  }
  return Number(parts[2]);
}

export interface PageRequest {
  pageSize?: string;
  cursor?: string;
}

/**
 * Cursor paging as Agile does it: `count` (total) on the first element, `cursor` on the last element
 * of a page when more remain; none on the last page. Without page_size the whole list comes back.
 */
export function paginate<T>(
  listKey: string,
  items: T[],
  req: PageRequest,
  toWire: (item: T) => Record<string, unknown>,
): Record<string, unknown>[] {
  const offset = req.cursor ? decodeCursor(listKey, req.cursor) : 0;
  const parsedSize = req.pageSize === undefined || req.pageSize === '' ? undefined : Number(req.pageSize);
  if (parsedSize !== undefined && (!Number.isInteger(parsedSize) || parsedSize <= 0)) {
    throw javaException('java.lang.NumberFormatException', `For input string: "${req.pageSize}"`);
  }
  const end = parsedSize === undefined ? items.length : Math.min(items.length, offset + parsedSize);
  const page = items.slice(offset, end).map(toWire);
  if (page.length === 0) return page;
  if (parsedSize !== undefined) {
    const first = page[0];
    if (first) page[0] = { count: items.length, ...first };
    const last = page[page.length - 1];
    if (last && end < items.length) page[page.length - 1] = { cursor: encodeCursor(listKey, end), ...last };
  }
  return page;
}

/** The page request of a GET (page_size and cursor in the query string). */
export function queryPageRequest(ctx: RouteContext): PageRequest {
  return { pageSize: ctx.query.page_size, cursor: ctx.query.cursor };
}

/** A whole list as Agile answers it: 204 No Content when empty. */
export function listAnswer<T>(
  items: readonly T[],
  toWire: (item: T) => unknown,
  xmlRoot: string,
): SimResponse {
  return items.length === 0
    ? noContent()
    : ok(
        items.map((item) => toWire(item)),
        xmlRoot,
      );
}

/** One page of a list (see paginate): 204 No Content when the page is empty. */
export function pageAnswer<T>(
  listKey: string,
  items: T[],
  req: PageRequest,
  toWire: (item: T) => Record<string, unknown>,
  xmlRoot: string,
): SimResponse {
  const page = paginate(listKey, items, req, toWire);
  return page.length === 0 ? noContent() : ok(page, xmlRoot);
}
