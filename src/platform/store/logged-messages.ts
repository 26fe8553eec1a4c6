import { affected, type RepoContext, toNumber } from './context.js';
import type { LoggedMessagesTable } from './schema.js';

export interface LoggedMessage {
  channelId: string;
  messageTs: string;
  contactId: string;
  noteId: string;
  permalink: string | null;
  /** Slack user id of whoever logged it. */
  loggedBy: string;
  createdMs: number;
}

export interface LoggedMessageInput {
  /** The workspace it was logged from (uninstalling deletes its markers; migration 010). */
  teamId: string;
  channel: string;
  ts: string;
  contactId: string;
  noteId: string;
  permalink?: string | null;
  loggedBy: string;
}

/** Which Slack messages were logged as notes to which contacts: one note per (channel, ts, contact). */
export interface LoggedMessagesRepository {
  find(channel: string, ts: string, contactId: string): Promise<LoggedMessage | undefined>;
  /**
   * Inserts unless that message is already logged to that contact; `created` says which happened
   * and `message` is the stored row either way (the first one wins).
   */
  record(input: LoggedMessageInput): Promise<{ created: boolean; message: LoggedMessage }>;
  /**
   * Forgets the message's log to that contact when it is still the log of `noteId` (that note was
   * undone), so the message may be logged to the contact again. `remaining`: how many contacts the
   * message stays logged to (its 📝 stays while any is).
   */
  forget(input: {
    channel: string;
    ts: string;
    contactId: string;
    noteId: string;
  }): Promise<{ forgotten: boolean; remaining: number }>;
}

function toLoggedMessage(r: LoggedMessagesTable): LoggedMessage {
  return {
    channelId: r.channel_id,
    messageTs: r.message_ts,
    contactId: r.contact_id,
    noteId: r.note_id,
    permalink: r.permalink,
    loggedBy: r.logged_by,
    createdMs: toNumber(r.created_ms),
  };
}

export function createLoggedMessagesRepository({ db, nowMs }: RepoContext): LoggedMessagesRepository {
  const find = async (channel: string, ts: string, contactId: string) => {
    const row = await db
      .selectFrom('logged_messages')
      .selectAll()
      .where('channel_id', '=', channel)
      .where('message_ts', '=', ts)
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    return row ? toLoggedMessage(row) : undefined;
  };
  return {
    find,
    async record(input) {
      const r = await db
        .insertInto('logged_messages')
        .values({
          team_id: input.teamId,
          channel_id: input.channel,
          message_ts: input.ts,
          contact_id: input.contactId,
          note_id: input.noteId,
          permalink: input.permalink ?? null,
          logged_by: input.loggedBy,
          created_ms: nowMs(),
        })
        .onConflict((oc) => oc.columns(['channel_id', 'message_ts', 'contact_id']).doNothing())
        .executeTakeFirst();
      const message = await find(input.channel, input.ts, input.contactId);
      if (!message) throw new Error('logged message vanished right after it was recorded');
      return { created: affected(r) === 1, message };
    },
    async forget(input) {
      const r = await db
        .deleteFrom('logged_messages')
        .where('channel_id', '=', input.channel)
        .where('message_ts', '=', input.ts)
        .where('contact_id', '=', input.contactId)
        .where('note_id', '=', input.noteId)
        .executeTakeFirst();
      const left = await db
        .selectFrom('logged_messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('channel_id', '=', input.channel)
        .where('message_ts', '=', input.ts)
        .executeTakeFirst();
      return { forgotten: affected(r) === 1, remaining: toNumber(left?.n ?? 0) };
    },
  };
}
