import { randomBytes } from 'node:crypto';
import { affected, type RepoContext, toNumber } from './context.js';
import type { AuditLogTable } from './schema.js';

/** ok: written; failed: refused or not written; unknown: no answer to the write, it may have been saved. */
export type AuditOutcome = AuditLogTable['outcome'];

/** The CRM records a write touched, by role: `{ contactId, noteId }`, `{ dealId }`, `{ taskId, contactIds }`. */
export type AuditRecordIds = Record<string, string | string[]>;

export interface AuditEntryInput {
  teamId: string;
  /** Who acted in Slack. */
  slackUserId: string;
  /** The Agile user the write was made as (email or id). */
  agileUser: string;
  /** What was written, e.g. note.create, deal.move, digest.snooze. */
  action: string;
  recordIds: AuditRecordIds;
  /** Short and free of secrets: a subject or a name, never a note's text. */
  summary: string;
  outcome: AuditOutcome;
  /** Why it failed (an Agile error kind, a refusal); only with failed/unknown. */
  errorKind?: string;
  requestId?: string;
}

export interface AuditEntry extends AuditEntryInput {
  id: string;
  atMs: number;
}

export interface AuditQuery {
  teamId: string;
  /** Rows at or after this time. */
  sinceMs: number;
  /** Only this Slack user's writes. */
  slackUserId?: string;
  /** At most this many rows (the oldest first). */
  limit: number;
}

/** Who wrote what to the CRM from Slack, and how it went: one row per real write (never a replay). */
export interface AuditRepository {
  record(input: AuditEntryInput): Promise<AuditEntry>;
  /** Oldest first (by time, then by insertion within one millisecond of one process). */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes rows older than `cutoffMs` (retention); returns how many. */
  purgeOlderThan(cutoffMs: number): Promise<number>;
}

/** Stored as-is beyond this; summaries are meant to be far shorter. */
const SUMMARY_MAX = 300;

let seq = 0;
/** Sorts by time, then by creation order within one process, so rows of one millisecond list in order. */
function auditId(atMs: number): string {
  seq = (seq + 1) % 36 ** 4;
  return `${atMs.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${randomBytes(5).toString('hex')}`;
}

function toEntry(r: AuditLogTable): AuditEntry {
  return {
    id: r.id,
    atMs: toNumber(r.at_ms),
    teamId: r.team_id,
    slackUserId: r.slack_user_id,
    agileUser: r.agile_user,
    action: r.action,
    recordIds: JSON.parse(r.record_ids_json) as AuditRecordIds,
    summary: r.summary,
    outcome: r.outcome,
    ...(r.error_kind !== null ? { errorKind: r.error_kind } : {}),
    ...(r.request_id !== null ? { requestId: r.request_id } : {}),
  };
}

export function createAuditRepository({ db, nowMs }: RepoContext): AuditRepository {
  return {
    async record(input) {
      const atMs = nowMs();
      const row: AuditLogTable = {
        id: auditId(atMs),
        at_ms: atMs,
        team_id: input.teamId,
        slack_user_id: input.slackUserId,
        agile_user: input.agileUser,
        action: input.action,
        record_ids_json: JSON.stringify(input.recordIds),
        summary: input.summary.slice(0, SUMMARY_MAX),
        outcome: input.outcome,
        error_kind: input.errorKind ?? null,
        request_id: input.requestId ?? null,
      };
      await db.insertInto('audit_log').values(row).execute();
      return toEntry(row);
    },

    async list(query) {
      let q = db
        .selectFrom('audit_log')
        .selectAll()
        .where('team_id', '=', query.teamId)
        .where('at_ms', '>=', query.sinceMs);
      if (query.slackUserId !== undefined) q = q.where('slack_user_id', '=', query.slackUserId);
      const rows = await q.orderBy('at_ms').orderBy('id').limit(query.limit).execute();
      return rows.map(toEntry);
    },

    async purgeOlderThan(cutoffMs) {
      const r = await db.deleteFrom('audit_log').where('at_ms', '<', cutoffMs).executeTakeFirst();
      return affected(r);
    },
  };
}
