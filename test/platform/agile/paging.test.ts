import { describe, expect, it } from 'vitest';
import { AgileError } from '../../../src/platform/agile/errors.js';
import { parseJsonLossless } from '../../../src/platform/agile/http.js';
import { collect, iteratePages, type Page, splitPage } from '../../../src/platform/agile/paging.js';

describe('splitPage', () => {
  it('takes the cursor from the last element and strips cursor/count from every record', () => {
    const { records, cursor } = splitPage([{ count: 3, id: 1 }, { id: 2 }, { id: 3, cursor: 'abc' }]);
    expect(cursor).toBe('abc');
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('treats an empty cursor as the end and ignores a cursor that is not on the last element', () => {
    expect(splitPage([{ id: 1, cursor: '' }]).cursor).toBeUndefined();
    expect(splitPage([{ id: 1, cursor: 'x' }, { id: 2 }]).cursor).toBeUndefined();
    expect(splitPage(null)).toEqual({ records: [], cursor: undefined });
  });
});

function pager(pages: Array<Page<number>>) {
  const calls: Array<{ cursor: string | undefined; pageSize: number }> = [];
  const fetchPage = async (cursor: string | undefined, pageSize: number) => {
    calls.push({ cursor, pageSize });
    const next = pages[calls.length - 1];
    if (!next) throw new Error('asked for a page that does not exist');
    return next;
  };
  return { calls, fetchPage };
}

describe('iteratePages', () => {
  it('pages until there is no cursor, passing the cursor and page size along', async () => {
    const { calls, fetchPage } = pager([
      { items: [1, 2], cursor: 'c1' },
      { items: [3, 4], cursor: 'c2' },
      { items: [5], cursor: undefined },
    ]);
    expect(await collect(iteratePages(fetchPage, { pageSize: 2 }))).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toEqual([
      { cursor: undefined, pageSize: 2 },
      { cursor: 'c1', pageSize: 2 },
      { cursor: 'c2', pageSize: 2 },
    ]);
  });

  it('defaults to 200 per page', async () => {
    const { calls, fetchPage } = pager([{ items: [], cursor: undefined }]);
    await collect(iteratePages(fetchPage));
    expect(calls[0]?.pageSize).toBe(200);
  });

  it('stops at the page cap', async () => {
    const { calls, fetchPage } = pager([
      { items: [1], cursor: 'a' },
      { items: [2], cursor: 'b' },
      { items: [3], cursor: 'c' },
    ]);
    expect(await collect(iteratePages(fetchPage, { maxPages: 2 }))).toEqual([1, 2]);
    expect(calls).toHaveLength(2);
  });

  it('fails when a cursor repeats instead of looping forever', async () => {
    const { fetchPage } = pager([
      { items: [1], cursor: 'same' },
      { items: [2], cursor: 'same' },
      { items: [3], cursor: undefined },
    ]);
    const seen: number[] = [];
    const run = async () => {
      for await (const n of iteratePages(fetchPage)) seen.push(n);
    };
    await expect(run()).rejects.toBeInstanceOf(AgileError);
    expect(seen).toEqual([1, 2]);
  });
});

describe('parseJsonLossless', () => {
  it('keeps ids exact above 2^53 and numbers as numbers below', () => {
    const parsed = parseJsonLossless(
      '{"a":5629585249009664,"b":9007199254740993,"c":1.5,"d":2.0E11,"e":-19800}',
    ) as Record<string, unknown>;
    expect(parsed.a).toBe(5629585249009664);
    expect(String(parsed.a)).toBe('5629585249009664');
    expect(parsed.b).toBe('9007199254740993');
    expect(parsed.c).toBe(1.5);
    expect(parsed.d).toBe(2e11);
    expect(parsed.e).toBe(-19800);
  });
});
