import type { Logger } from 'pino';
import { isAgileError, isOutcomeUnknown } from './agile/index.js';
import { currentRequest } from './request-context.js';
import type { Actor } from './slack/actor.js';
import type { AuditOutcome, AuditRecordIds, Store } from './store/index.js';

/** The writes the Undo button reverts (features/undo): their undo is audited as `<write>.undo`. */
type UndoableAuditAction =
  | 'note.create'
  | 'task.create'
  | 'deal.create'
  | 'deal.move'
  | 'contact.create'
  | 'digest.complete'
  | 'digest.snooze'
  | 'digest.reassign';

/** What a write from Slack is recorded as (the `action` column). */
export type AuditAction =
  | `${UndoableAuditAction}.undo`
  | 'note.create'
  | 'task.create'
  | 'deal.create'
  | 'deal.move'
  | 'ticket.reply.public'
  | 'ticket.note.private'
  | 'contact.create'
  | 'digest.complete'
  | 'digest.snooze'
  | 'digest.reassign';

/** One write, as recorded. */
export interface AuditWrite {
  action: AuditAction;
  actor: Actor;
  recordIds: AuditRecordIds;
  summary: string;
  outcome: AuditOutcome;
  errorKind?: string;
  /** The Agile user the write was made as; default the API-key user. */
  agileUser?: string;
}

/** The audit trail of CRM writes made from Slack. */
export interface AuditTrail {
  /** How many days rows are kept: the longest window `/crm audit` can export. */
  readonly retentionDays: number;
  /** Records one write with this request's id; never throws (a failed insert is logged, the write stands). */
  record(write: AuditWrite): Promise<void>;
}

export function createAuditTrail(opts: {
  store: Pick<Store, 'audit'>;
  logger: Logger;
  /** The Agile user behind the API key (AGILE_EMAIL, or the sandbox's). */
  agileUser: string;
  retentionDays: number;
}): AuditTrail {
  return {
    retentionDays: opts.retentionDays,
    async record(write) {
      const requestId = currentRequest()?.requestId;
      try {
        await opts.store.audit.record({
          teamId: write.actor.teamId,
          slackUserId: write.actor.userId,
          agileUser: write.agileUser ?? opts.agileUser,
          action: write.action,
          recordIds: write.recordIds,
          summary: auditSummary(write.summary),
          outcome: write.outcome,
          ...(write.errorKind !== undefined ? { errorKind: write.errorKind } : {}),
          ...(requestId !== undefined ? { requestId } : {}),
        });
      } catch (err) {
        opts.logger.error({ err, action: write.action }, 'could not record the write in the audit trail');
      }
    },
  };
}

/**
 * How a failed write ended: `unknown` when nobody knows whether the write was saved (isOutcomeUnknown:
 * no answer, a dropped connection, a 502/504, a 500 naming App Engine's deadline), else
 * `failed`, with the error's kind (an Agile kind such as invalid, or a refusal such as reason_required).
 */
export function failureOf(err: unknown): { outcome: AuditOutcome; errorKind: string } {
  if (isAgileError(err))
    return { outcome: isOutcomeUnknown(err) ? 'unknown' : 'failed', errorKind: err.kind };
  const kind = (err as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string') return { outcome: 'failed', errorKind: kind };
  return { outcome: 'failed', errorKind: err instanceof Error ? err.name : 'error' };
}

/** What a write's result says was written; null when it wrote nothing (e.g. a deal already at that milestone). */
export type AuditedResult = { recordIds: AuditRecordIds; summary?: string } | null;

export interface AuditSpec<T> {
  action: AuditAction;
  actor: Actor;
  /** What the write is about (a subject, a name): short, no secrets, never a note's text. */
  summary: string;
  /** The ids a failed attempt names (what it was about), when known before writing. */
  ids?: AuditRecordIds;
  /** The ids the write produced, from its result. */
  written: (result: T) => AuditedResult;
}

/**
 * Runs one CRM write and records it in the audit trail: ok with the ids from its result, or
 * failed/unknown with the error's kind (then rethrows). Call it inside runOnce's work so an
 * idempotent replay, which never runs the work, is never recorded twice.
 */
export async function audited<T>(trail: AuditTrail, spec: AuditSpec<T>, work: () => Promise<T>): Promise<T> {
  const base = { action: spec.action, actor: spec.actor, summary: spec.summary };
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await trail.record({ ...base, recordIds: spec.ids ?? {}, ...failureOf(err) });
    throw err;
  }
  const written = spec.written(result);
  if (written) {
    await trail.record({
      ...base,
      recordIds: { ...spec.ids, ...written.recordIds },
      summary: written.summary ?? spec.summary,
      outcome: 'ok',
    });
  }
  return result;
}

const SUMMARY_MAX = 200;

/** A summary cut to SUMMARY_MAX characters on one line. */
export function auditSummary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= SUMMARY_MAX ? flat : `${chars.slice(0, SUMMARY_MAX - 1).join('')}…`;
}
