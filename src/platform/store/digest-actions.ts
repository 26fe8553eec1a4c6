import { affected, type RepoContext, toNumber } from './context.js';

export interface DigestAction {
  actionKey: string;
  runId: string | null;
  taskId: string;
  /** e.g. complete, snooze, reassign. */
  action: string;
  actorUserId: string;
  detail: unknown;
  createdMs: number;
}

export interface DigestActionInput {
  /** Unique per click, e.g. `${messageTs}:${actionTs}` or `${runId}:${taskId}:${action}`. */
  actionKey: string;
  runId?: string | null;
  taskId: string;
  action: string;
  actorUserId: string;
  /** JSON-serialisable, e.g. the new owner or due date, for re-rendering the item. */
  detail?: unknown;
}

/** Digest button clicks applied once, and remembered so the message can show who did what. */
export interface DigestActionsRepository {
  /** True only the first time this actionKey is recorded. */
  record(input: DigestActionInput): Promise<boolean>;
  /** Forgets a click whose effect failed, so the user can click again. */
  release(actionKey: string): Promise<void>;
  /** Oldest first. */
  listForRun(runId: string): Promise<DigestAction[]>;
}

export function createDigestActionsRepository({ db, nowMs }: RepoContext): DigestActionsRepository {
  return {
    async record(input) {
      const r = await db
        .insertInto('digest_actions')
        .values({
          action_key: input.actionKey,
          run_id: input.runId ?? null,
          task_id: input.taskId,
          action: input.action,
          actor_user_id: input.actorUserId,
          detail_json: input.detail === undefined ? null : JSON.stringify(input.detail),
          created_ms: nowMs(),
        })
        .onConflict((oc) => oc.column('action_key').doNothing())
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async release(actionKey) {
      await db.deleteFrom('digest_actions').where('action_key', '=', actionKey).execute();
    },

    async listForRun(runId) {
      const rows = await db
        .selectFrom('digest_actions')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('created_ms')
        .orderBy('action_key')
        .execute();
      return rows.map((r) => ({
        actionKey: r.action_key,
        runId: r.run_id,
        taskId: r.task_id,
        action: r.action,
        actorUserId: r.actor_user_id,
        detail: r.detail_json === null ? null : JSON.parse(r.detail_json),
        createdMs: toNumber(r.created_ms),
      }));
    },
  };
}
