import { randomUUID } from 'node:crypto';
import { affected, type RepoContext, toNumber } from './context.js';
import type { FollowsTable } from './schema.js';

export type FollowKind = FollowsTable['kind'];

/** A CRM record followed in a channel: its changes go to one thread there. */
export interface Follow {
  id: string;
  teamId: string;
  channelId: string;
  kind: FollowKind;
  /** The Agile id of the deal, contact or ticket. */
  recordId: string;
  /** What the channel calls it (deal name, contact name and email, ticket subject). */
  label: string;
  /** The thread the updates go to; null while the follow is being announced. */
  threadTs: string | null;
  createdBy: string;
  createdMs: number;
  /** The last poll's view of the record (JSON); null until the first poll sets the baseline. */
  snapshotJson: string | null;
  snapshotSlot: number | null;
}

export interface FollowInput {
  teamId: string;
  channelId: string;
  kind: FollowKind;
  recordId: string;
  label: string;
  createdBy: string;
}

export interface FollowsRepository {
  /** INSERT … ON CONFLICT DO NOTHING: the new follow, or null when the channel already follows the record. */
  add(input: FollowInput): Promise<Follow | null>;
  find(teamId: string, channelId: string, kind: FollowKind, recordId: string): Promise<Follow | undefined>;
  get(id: string): Promise<Follow | undefined>;
  setThread(id: string, threadTs: string): Promise<void>;
  /** This channel's follows, oldest first. */
  listForChannel(teamId: string, channelId: string): Promise<Follow[]>;
  /** Every announced follow (thread_ts set), for the poller. */
  listActive(): Promise<Follow[]>;
  /** Deletes the follow; true only for the one caller whose delete removed it (it says so in the channel). */
  remove(id: string): Promise<boolean>;
  /**
   * Replaces the snapshot unless a later slot already wrote one (a slow poll finishing after the next
   * one must not roll the record back). False when the follow is gone or a later slot won.
   */
  saveSnapshot(id: string, slot: number, snapshotJson: string): Promise<boolean>;
  /**
   * Claims (follow, slot) for each id: INSERT … ON CONFLICT DO NOTHING. Resolves to the ids this caller
   * won; every other instance asking for the same slot gets the rest (or nothing).
   */
  claimPolls(followIds: readonly string[], slot: number, instanceId: string): Promise<string[]>;
  /** Deletes poll claims made before cutoffMs; resolves to how many. */
  purgePollsBefore(cutoffMs: number): Promise<number>;
}

function toFollow(r: FollowsTable): Follow {
  return {
    id: r.id,
    teamId: r.team_id,
    channelId: r.channel_id,
    kind: r.kind,
    recordId: r.record_id,
    label: r.label,
    threadTs: r.thread_ts,
    createdBy: r.created_by,
    createdMs: toNumber(r.created_ms),
    snapshotJson: r.snapshot_json,
    snapshotSlot: r.snapshot_slot === null ? null : toNumber(r.snapshot_slot),
  };
}

/** Keeps each multi-row INSERT far below SQLite's bound-parameter limit (4 values a row). */
const CLAIM_CHUNK = 200;

export function createFollowsRepository({ db, nowMs }: RepoContext): FollowsRepository {
  return {
    async add(input) {
      const now = nowMs();
      const row: FollowsTable = {
        id: randomUUID(),
        team_id: input.teamId,
        channel_id: input.channelId,
        kind: input.kind,
        record_id: input.recordId,
        label: input.label.slice(0, 500),
        thread_ts: null,
        created_by: input.createdBy,
        created_ms: now,
        snapshot_json: null,
        snapshot_slot: null,
        updated_ms: now,
      };
      const r = await db
        .insertInto('follows')
        .values(row)
        .onConflict((oc) => oc.columns(['team_id', 'channel_id', 'kind', 'record_id']).doNothing())
        .executeTakeFirst();
      return affected(r) === 1 ? toFollow(row) : null;
    },

    async find(teamId, channelId, kind, recordId) {
      const row = await db
        .selectFrom('follows')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('channel_id', '=', channelId)
        .where('kind', '=', kind)
        .where('record_id', '=', recordId)
        .executeTakeFirst();
      return row ? toFollow(row) : undefined;
    },

    async get(id) {
      const row = await db.selectFrom('follows').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toFollow(row) : undefined;
    },

    async setThread(id, threadTs) {
      await db
        .updateTable('follows')
        .set({ thread_ts: threadTs, updated_ms: nowMs() })
        .where('id', '=', id)
        .execute();
    },

    async listForChannel(teamId, channelId) {
      const rows = await db
        .selectFrom('follows')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('channel_id', '=', channelId)
        .orderBy('created_ms')
        .orderBy('id')
        .execute();
      return rows.map(toFollow);
    },

    async listActive() {
      const rows = await db
        .selectFrom('follows')
        .selectAll()
        .where('thread_ts', 'is not', null)
        .orderBy('team_id')
        .orderBy('created_ms')
        .execute();
      return rows.map(toFollow);
    },

    async remove(id) {
      const r = await db.deleteFrom('follows').where('id', '=', id).executeTakeFirst();
      if (affected(r) === 0) return false;
      await db.deleteFrom('follow_polls').where('follow_id', '=', id).execute();
      return true;
    },

    async saveSnapshot(id, slot, snapshotJson) {
      const r = await db
        .updateTable('follows')
        .set({ snapshot_json: snapshotJson, snapshot_slot: slot, updated_ms: nowMs() })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('snapshot_slot', 'is', null), eb('snapshot_slot', '<=', slot)]))
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async claimPolls(followIds, slot, instanceId) {
      const won: string[] = [];
      const now = nowMs();
      for (let i = 0; i < followIds.length; i += CLAIM_CHUNK) {
        const chunk = followIds.slice(i, i + CLAIM_CHUNK);
        const rows = await db
          .insertInto('follow_polls')
          .values(chunk.map((id) => ({ follow_id: id, slot, instance_id: instanceId, claimed_ms: now })))
          .onConflict((oc) => oc.columns(['follow_id', 'slot']).doNothing())
          .returning('follow_id')
          .execute();
        for (const r of rows) won.push(r.follow_id);
      }
      return won;
    },

    async purgePollsBefore(cutoffMs) {
      const r = await db.deleteFrom('follow_polls').where('claimed_ms', '<', cutoffMs).executeTakeFirst();
      return affected(r);
    },
  };
}
