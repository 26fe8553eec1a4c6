import { randomUUID } from 'node:crypto';
import type { RepoContext } from './context.js';
import { toNumber } from './context.js';
import type { ThreadLogsTable } from './schema.js';

export type ThreadLogTarget = 'contact' | 'deal';

/** A Slack thread logged to a CRM record ("Log thread to CRM"): which, to what, when, by whom. */
export interface ThreadLog {
  id: string;
  teamId: string;
  channelId: string;
  threadTs: string;
  targetKind: ThreadLogTarget;
  targetId: string;
  /** The record's name as shown when it was logged ("This thread was logged to X"). */
  targetName: string;
  /** Slack user id of whoever logged it. */
  loggedBy: string;
  /** The notes written, in order (a deal note whose id could not be read back is left out). */
  noteIds: string[];
  /** The form it was logged from: a repeated submission of that form is a replay, not a second log. */
  viewId: string | null;
  createdMs: number;
}

export type ThreadLogInput = Omit<ThreadLog, 'id' | 'createdMs' | 'viewId'> & { viewId?: string | null };

/** Logs of whole threads; a thread may be logged again (the user confirms), so each log is a row. */
export interface ThreadLogsRepository {
  record(input: ThreadLogInput): Promise<ThreadLog>;
  /** The most recent log of this thread (to any record), or undefined. */
  latest(teamId: string, channelId: string, threadTs: string): Promise<ThreadLog | undefined>;
}

function toThreadLog(r: ThreadLogsTable): ThreadLog {
  let noteIds: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.note_ids_json);
    if (Array.isArray(parsed)) noteIds = parsed.map(String);
  } catch {
    // A damaged row still says the thread was logged.
  }
  return {
    id: r.id,
    teamId: r.team_id,
    channelId: r.channel_id,
    threadTs: r.thread_ts,
    targetKind: r.target_kind === 'deal' ? 'deal' : 'contact',
    targetId: r.target_id,
    targetName: r.target_name,
    loggedBy: r.logged_by,
    noteIds,
    viewId: r.view_id,
    createdMs: toNumber(r.created_ms),
  };
}

export function createThreadLogsRepository({ db, nowMs }: RepoContext): ThreadLogsRepository {
  return {
    async record(input) {
      const row: ThreadLogsTable = {
        id: randomUUID(),
        team_id: input.teamId,
        channel_id: input.channelId,
        thread_ts: input.threadTs,
        target_kind: input.targetKind,
        target_id: input.targetId,
        target_name: input.targetName,
        logged_by: input.loggedBy,
        note_ids_json: JSON.stringify(input.noteIds),
        view_id: input.viewId ?? null,
        created_ms: nowMs(),
      };
      await db.insertInto('thread_logs').values(row).execute();
      return toThreadLog(row);
    },
    async latest(teamId, channelId, threadTs) {
      const row = await db
        .selectFrom('thread_logs')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('channel_id', '=', channelId)
        .where('thread_ts', '=', threadTs)
        .orderBy('created_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toThreadLog(row) : undefined;
    },
  };
}
