import type { Deps } from '../../app/deps.js';
import { isWorkspaceAdmin } from '../access/admin.js';
import { buildAuditCsv } from './csv.js';

/** `/crm audit` without `days`. */
export const AUDIT_DEFAULT_DAYS = 7;
/** One file stays small enough to open in a spreadsheet and to build in memory. */
export const AUDIT_MAX_ROWS = 10_000;
/** Names are looked up (cached users.info) for at most this many distinct people; others stay blank. */
const NAMED_USERS_MAX = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditExportInput {
  teamId: string;
  /** Who asks: must be a workspace admin or owner. */
  userId: string;
  days: number | null;
  /** Only this Slack user's writes. */
  filterUserId: string | null;
}

export interface AuditWindow {
  days: number;
  /** More days were asked for than are kept: the window is the retention. */
  clamped: boolean;
  filterUserId: string | null;
}

export type AuditExportOutcome =
  | { kind: 'refused' }
  | ({ kind: 'empty' } & AuditWindow)
  | ({
      kind: 'ready';
      csv: string;
      filename: string;
      rows: number;
      /** More rows than AUDIT_MAX_ROWS: the file holds the oldest ones. */
      truncated: boolean;
    } & AuditWindow);

/**
 * The audit trail of the last `days` days (default 7, at most the retention) as CSV, for admins only.
 * The file is named after the team and the window's end so two exports do not overwrite each other.
 */
export async function exportAuditTrail(
  deps: Pick<Deps, 'store' | 'slackUsers' | 'audit' | 'now' | 'connection'>,
  input: AuditExportInput,
): Promise<AuditExportOutcome> {
  if (!(await isWorkspaceAdmin(deps, input.userId))) return { kind: 'refused' };
  const asked = input.days ?? AUDIT_DEFAULT_DAYS;
  const days = Math.min(asked, deps.audit.retentionDays);
  const window: AuditWindow = { days, clamped: asked > days, filterUserId: input.filterUserId };
  const now = deps.now();
  const found = await deps.store.audit.list({
    teamId: input.teamId,
    sinceMs: now.getTime() - days * DAY_MS,
    ...(input.filterUserId ? { slackUserId: input.filterUserId } : {}),
    limit: AUDIT_MAX_ROWS + 1,
  });
  if (found.length === 0) return { kind: 'empty', ...window };
  const entries = found.slice(0, AUDIT_MAX_ROWS);
  const ids = [...new Set(entries.map((e) => e.slackUserId))].slice(0, NAMED_USERS_MAX);
  const profiles = await Promise.all(ids.map((id) => deps.slackUsers.profile(id)));
  // The directory answers an unknown user with the id as name: no name is better than a repeated id.
  const names = new Map(profiles.filter((p) => p.name !== p.id).map((p) => [p.id, p.name]));
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return {
    kind: 'ready',
    csv: buildAuditCsv(entries, names),
    filename: `crm-audit-${input.teamId}-${stamp}.csv`,
    rows: entries.length,
    truncated: found.length > AUDIT_MAX_ROWS,
    ...window,
  };
}
