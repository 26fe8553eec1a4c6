import { randomUUID } from 'node:crypto';
import { affected, type RepoContext, toNumber } from './context.js';
import type { UndoActionsTable } from './schema.js';

export type UndoStatus = UndoActionsTable['status'];

/** How long a click's claim holds before another click may take it over (an undo takes seconds). */
export const UNDO_LEASE_MS = 60_000;

/** A write made from Slack that its author may undo until `expiresMs` (features/undo). */
export interface UndoAction {
  id: string;
  teamId: string;
  userId: string;
  /** What was written, e.g. note.create, deal.move, task.complete. */
  kind: string;
  /** The Agile ids the write touched (strings: Agile ids exceed 2^53). */
  refs: Record<string, string>;
  /** What the undo restores; null for a create (the undo deletes the record). */
  previous: Record<string, unknown> | null;
  /** The fields the write set, as they were right after it: the "nobody changed it since" check. */
  fingerprint: Record<string, unknown>;
  createdMs: number;
  expiresMs: number;
  status: UndoStatus;
  undoneMs: number | null;
}

export interface UndoActionInput {
  teamId: string;
  userId: string;
  kind: string;
  refs: Record<string, string>;
  previous: Record<string, unknown> | null;
  fingerprint: Record<string, unknown>;
  /** How long the undo stays open from now. */
  ttlMs: number;
}

export type UndoClaim =
  | { kind: 'claimed'; action: UndoAction }
  /** Past its window (now marked expired). */
  | { kind: 'expired'; action: UndoAction }
  /** Already undone, or refused for good (changed since), or being undone by another click. */
  | { kind: 'closed'; action: UndoAction }
  | { kind: 'missing' };

export interface UndoActionsRepository {
  record(input: UndoActionInput): Promise<UndoAction>;
  get(id: string): Promise<UndoAction | undefined>;
  /**
   * open → undoing, for one caller only (a conditional UPDATE): two clicks at once, one claim. An
   * open action past its window becomes expired instead. An `undoing` claim older than UNDO_LEASE_MS
   * (its process died between the claim and Agile's answer) may be claimed again.
   */
  claim(id: string): Promise<UndoClaim>;
  /** undoing → undone: Agile applied the revert. */
  markUndone(id: string): Promise<void>;
  /** undoing → open again: the Agile call failed, the user may try again within the window. */
  release(id: string): Promise<void>;
  /** undoing → failed: the record changed in Agile since, so this undo is closed for good. */
  markFailed(id: string): Promise<void>;
  /** Deletes actions created before cutoffMs; resolves to how many. */
  purgeBefore(cutoffMs: number): Promise<number>;
}

function parseObject(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  const v: unknown = JSON.parse(json);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function toAction(r: UndoActionsTable): UndoAction {
  return {
    id: r.id,
    teamId: r.team_id,
    userId: r.user_id,
    kind: r.kind,
    refs: (parseObject(r.refs_json) ?? {}) as Record<string, string>,
    previous: parseObject(r.previous_json),
    fingerprint: parseObject(r.fingerprint_json) ?? {},
    createdMs: toNumber(r.created_ms),
    expiresMs: toNumber(r.expires_ms),
    status: r.status,
    undoneMs: r.undone_ms === null ? null : toNumber(r.undone_ms),
  };
}

export function createUndoActionsRepository({ db, nowMs }: RepoContext): UndoActionsRepository {
  const get = async (id: string) => {
    const row = await db.selectFrom('undo_actions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAction(row) : undefined;
  };
  return {
    async record(input) {
      const now = nowMs();
      const refs = Object.fromEntries(Object.entries(input.refs).map(([k, v]) => [k, String(v)]));
      const row: UndoActionsTable = {
        id: randomUUID(),
        team_id: input.teamId,
        user_id: input.userId,
        kind: input.kind,
        refs_json: JSON.stringify(refs),
        previous_json: input.previous === null ? null : JSON.stringify(input.previous),
        fingerprint_json: JSON.stringify(input.fingerprint),
        created_ms: now,
        expires_ms: now + input.ttlMs,
        status: 'open',
        undone_ms: null,
      };
      await db.insertInto('undo_actions').values(row).execute();
      return toAction(row);
    },

    get,

    async claim(id) {
      const now = nowMs();
      const r = await db
        .updateTable('undo_actions')
        .set({ status: 'undoing', undone_ms: now })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'open'), eb('expires_ms', '>', now)]),
            // A click whose process died mid-undo: taken over once its lease lapsed (the check runs again).
            eb.and([eb('status', '=', 'undoing'), eb('undone_ms', '<=', now - UNDO_LEASE_MS)]),
          ]),
        )
        .executeTakeFirst();
      const action = await get(id);
      if (!action) return { kind: 'missing' };
      if (affected(r) === 1) return { kind: 'claimed', action };
      if (action.status === 'open' && action.expiresMs <= now) {
        await db
          .updateTable('undo_actions')
          .set({ status: 'expired' })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .execute();
        return { kind: 'expired', action: { ...action, status: 'expired' } };
      }
      if (action.status === 'expired') return { kind: 'expired', action };
      return { kind: 'closed', action };
    },

    async markUndone(id) {
      await db
        .updateTable('undo_actions')
        .set({ status: 'undone', undone_ms: nowMs() })
        .where('id', '=', id)
        .where('status', '=', 'undoing')
        .execute();
    },

    async release(id) {
      await db
        .updateTable('undo_actions')
        .set({ status: 'open', undone_ms: null })
        .where('id', '=', id)
        .where('status', '=', 'undoing')
        .execute();
    },

    async markFailed(id) {
      await db.updateTable('undo_actions').set({ status: 'failed' }).where('id', '=', id).execute();
    },

    async purgeBefore(cutoffMs) {
      const r = await db.deleteFrom('undo_actions').where('created_ms', '<', cutoffMs).executeTakeFirst();
      return affected(r);
    },
  };
}
