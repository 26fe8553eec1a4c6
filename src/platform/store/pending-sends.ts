import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { affected, type RepoContext, toNumber } from './context.js';
import type { PendingSendsTable } from './schema.js';

export type PendingSendStatus = PendingSendsTable['status'];

/** A public ticket reply held before it is sent (features/ticket/held-*.ts), so its author can cancel it. */
export interface PendingSend {
  id: string;
  teamId: string;
  /** The author: only they may cancel it; it is sent with their connection. */
  userId: string;
  /** Where its confirmation is (the DM's channel and ts); null until posted. */
  target: unknown;
  ticketId: string;
  /** What is sent, exactly as typed, and what the confirmations show. */
  payload: unknown;
  idempotencyKey: string;
  dueMs: number;
  status: PendingSendStatus;
  claimedBy: string | null;
  claimedMs: number | null;
  leaseMs: number | null;
  /** Claims so far (1 on the first send). */
  attempts: number;
  createdMs: number;
  updatedMs: number;
  error: string | null;
}

export interface PendingSendInput {
  teamId: string;
  userId: string;
  ticketId: string;
  payload: unknown;
  idempotencyKey: string;
  dueMs: number;
}

export interface PendingSendsRepository {
  /** A new held send; the same idempotency key again gives back the first one (`created: false`). */
  hold(input: PendingSendInput): Promise<{ send: PendingSend; created: boolean }>;
  get(id: string): Promise<PendingSend | undefined>;
  setTarget(id: string, target: unknown): Promise<void>;
  /**
   * held → cancelled, by its author only. Null when it is not theirs or no longer held (a sender
   * claimed it first): a cancel and a claim race on one conditional update, so exactly one wins.
   */
  cancel(id: string, userId: string): Promise<PendingSend | null>;
  /** What a sender would claim now: held and due, or sending with its lease lapsed; oldest first. */
  listDue(limit?: number): Promise<PendingSend[]>;
  /**
   * Claims up to `limit` due rows for `instanceId` (status sending, a lease of `leaseMs`, attempts + 1).
   * Each row goes to one caller only, whatever the number of instances asking.
   */
  claimDue(instanceId: string, leaseMs: number, limit?: number): Promise<PendingSend[]>;
  /** sending → sent. False when the row is not being sent. */
  markSent(id: string): Promise<boolean>;
  /** sending → failed, with why. */
  markFailed(id: string, error: string): Promise<boolean>;
  /** Hands a claim back (shutdown before the send started): held again, due at once. */
  release(id: string, instanceId: string): Promise<boolean>;
  /** Deletes sent, cancelled and failed rows last changed before cutoffMs (their text goes with them). */
  purgeFinishedBefore(cutoffMs: number): Promise<number>;
}

function toSend(r: PendingSendsTable): PendingSend {
  return {
    id: r.id,
    teamId: r.team_id,
    userId: r.user_id,
    target: r.target_json === null ? null : JSON.parse(r.target_json),
    ticketId: r.ticket_id,
    payload: JSON.parse(r.payload_json),
    idempotencyKey: r.idempotency_key,
    dueMs: toNumber(r.due_ms),
    status: r.status,
    claimedBy: r.claimed_by,
    claimedMs: r.claimed_ms === null ? null : toNumber(r.claimed_ms),
    leaseMs: r.lease_ms === null ? null : toNumber(r.lease_ms),
    attempts: toNumber(r.attempts),
    createdMs: toNumber(r.created_ms),
    updatedMs: toNumber(r.updated_ms),
    error: r.error,
  };
}

export function createPendingSendsRepository({ db, nowMs }: RepoContext): PendingSendsRepository {
  const get = async (id: string) => {
    const row = await db.selectFrom('pending_sends').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSend(row) : undefined;
  };

  const listDue = async (limit = 20) => {
    const now = nowMs();
    const rows = await db
      .selectFrom('pending_sends')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'held'), eb('due_ms', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), sql<boolean>`claimed_ms + lease_ms <= ${now}`]),
        ]),
      )
      .orderBy('due_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toSend);
  };

  return {
    async hold(input) {
      const now = nowMs();
      const row: PendingSendsTable = {
        id: randomUUID(),
        team_id: input.teamId,
        user_id: input.userId,
        target_json: null,
        ticket_id: input.ticketId,
        payload_json: JSON.stringify(input.payload),
        idempotency_key: input.idempotencyKey,
        due_ms: input.dueMs,
        status: 'held',
        claimed_by: null,
        claimed_ms: null,
        lease_ms: null,
        attempts: 0,
        created_ms: now,
        updated_ms: now,
        error: null,
      };
      const r = await db
        .insertInto('pending_sends')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      if (affected(r) === 1) return { send: toSend(row), created: true };
      const existing = await db
        .selectFrom('pending_sends')
        .selectAll()
        .where('idempotency_key', '=', input.idempotencyKey)
        .executeTakeFirstOrThrow();
      return { send: toSend(existing), created: false };
    },

    get,

    async setTarget(id, target) {
      await db
        .updateTable('pending_sends')
        .set({ target_json: JSON.stringify(target), updated_ms: nowMs() })
        .where('id', '=', id)
        .execute();
    },

    async cancel(id, userId) {
      const r = await db
        .updateTable('pending_sends')
        .set({ status: 'cancelled', updated_ms: nowMs() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('status', '=', 'held')
        .executeTakeFirst();
      return affected(r) === 1 ? ((await get(id)) ?? null) : null;
    },

    listDue,

    async claimDue(instanceId, leaseMs, limit = 20) {
      const won: PendingSend[] = [];
      for (const seen of await listDue(limit)) {
        const now = nowMs();
        // The row as it was seen: another instance claiming it first changes status or claimed_ms.
        const r = await db
          .updateTable('pending_sends')
          .set((eb) => ({
            status: 'sending',
            claimed_by: instanceId,
            claimed_ms: now,
            lease_ms: leaseMs,
            attempts: eb('attempts', '+', 1),
            updated_ms: now,
          }))
          .where('id', '=', seen.id)
          .where((eb) =>
            seen.status === 'held'
              ? eb.and([eb('status', '=', 'held'), eb('due_ms', '<=', now)])
              : eb.and([
                  eb('status', '=', 'sending'),
                  eb('claimed_ms', '=', seen.claimedMs ?? -1),
                  sql<boolean>`claimed_ms + lease_ms <= ${now}`,
                ]),
          )
          .executeTakeFirst();
        if (affected(r) !== 1) continue;
        const claimed = await get(seen.id);
        if (claimed) won.push(claimed);
      }
      return won;
    },

    async markSent(id) {
      const r = await db
        .updateTable('pending_sends')
        .set({ status: 'sent', error: null, updated_ms: nowMs() })
        .where('id', '=', id)
        .where('status', 'in', ['sending', 'failed'])
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async markFailed(id, error) {
      const r = await db
        .updateTable('pending_sends')
        .set({ status: 'failed', error: error.slice(0, 1000), updated_ms: nowMs() })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async release(id, instanceId) {
      const r = await db
        .updateTable('pending_sends')
        .set({ status: 'held', claimed_by: null, claimed_ms: null, lease_ms: null, updated_ms: nowMs() })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .where('claimed_by', '=', instanceId)
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async purgeFinishedBefore(cutoffMs) {
      const r = await db
        .deleteFrom('pending_sends')
        .where('status', 'in', ['sent', 'cancelled', 'failed'])
        .where('updated_ms', '<', cutoffMs)
        .executeTakeFirst();
      return affected(r);
    },
  };
}
