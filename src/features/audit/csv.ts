import type { AuditEntry } from '../../platform/store/index.js';

/** Spreadsheets run a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A cell a spreadsheet would read as a formula gets a leading `'` first, so it shows as text.
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows of cells → CSV text with CRLF line ends (RFC 4180), ending with a line break. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}

export const AUDIT_CSV_HEADER = [
  'time (UTC)',
  'slack user id',
  'slack user name',
  'agile user',
  'action',
  'record ids',
  'summary',
  'outcome',
  'request id',
] as const;

/** `ids` as `key=value` pairs (lists joined with `|`): readable in a cell, still easy to split. */
function recordIdsCell(ids: AuditEntry['recordIds']): string {
  return Object.entries(ids)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
    .join(' ');
}

/** The audit export: a header, then one line per write, oldest first. `names` maps Slack user id → name. */
export function buildAuditCsv(entries: readonly AuditEntry[], names: ReadonlyMap<string, string>): string {
  return toCsv([
    AUDIT_CSV_HEADER,
    ...entries.map((e) => [
      new Date(e.atMs).toISOString(),
      e.slackUserId,
      names.get(e.slackUserId) ?? '',
      e.agileUser,
      e.action,
      recordIdsCell(e.recordIds),
      e.summary,
      e.errorKind ? `${e.outcome} (${e.errorKind})` : e.outcome,
      e.requestId ?? '',
    ]),
  ]);
}
