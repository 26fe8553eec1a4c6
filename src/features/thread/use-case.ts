import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { findContactNote, findDealNote, type Note } from '../../platform/agile/index.js';
import { audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { conversationKind } from '../../platform/slack/format.js';
import { type OnceAttempt, type OnceOutcome, onceKey, runOnce } from '../../platform/store/run-once.js';
import { type ReadThread, readThread, type ThreadRef } from './read-thread.js';
import type { ThreadModalMeta, ThreadTarget } from './schema.js';
import { buildThreadNotes, type ThreadNote, threadLines } from './thread-text.js';
import type { EarlierLog, ThreadLogged, ThreadPreview } from './views.js';

type ThreadDeps = Pick<Deps, 'agile' | 'store' | 'slackUsers' | 'audit' | 'logger'>;

export interface PreparedThread {
  read: ReadThread;
  notes: ThreadNote[];
}

/** Reads the thread and turns it into the notes it will be logged as (times in the actor's zone). */
export async function prepareThread(
  deps: Pick<Deps, 'slackUsers' | 'logger'>,
  client: WebClient,
  actor: Actor,
  ref: ThreadRef,
  meta: Pick<ThreadModalMeta, 'channelName' | 'permalink'>,
  maxNoteChars?: number,
): Promise<PreparedThread> {
  const [profile, read] = await Promise.all([
    deps.slackUsers.profile(actor.userId),
    readThread(deps, client, actor.teamId, ref),
  ]);
  const lines = threadLines(
    read.messages,
    read.speakers,
    { users: read.users, channels: read.channels },
    profile.timeZone,
  );
  const notes = buildThreadNotes(
    lines,
    {
      channelName: meta.channelName,
      permalink: meta.permalink,
      loggedByName: profile.name,
      timeZone: profile.timeZone,
    },
    maxNoteChars,
  );
  return { read, notes };
}

export function previewOf(p: PreparedThread): ThreadPreview {
  const speakers = [...p.read.speakers.entries()].filter(([id]) =>
    p.read.messages.some((m) => m.userId === id),
  );
  return {
    messages: p.read.messages.length,
    people: speakers.length,
    external: speakers.filter(([, s]) => s.external).length,
    notes: p.notes.length,
    firstNote: p.notes[0]?.description ?? '',
  };
}

/** The thread's most recent log in this team, if it was logged before. */
export async function earlierLogOf(
  deps: Pick<Deps, 'store'>,
  teamId: string,
  channel: string,
  threadTs: string,
): Promise<EarlierLog | undefined> {
  const log = await deps.store.threadLogs.latest(teamId, channel, threadTs);
  return log
    ? { targetName: log.targetName, loggedBy: log.loggedBy, createdMs: log.createdMs, viewId: log.viewId }
    : undefined;
}

/** Some notes of a thread were written, then one failed: says which, so the retry can write the rest. */
export class ThreadPartlyLoggedError extends Error {
  constructor(
    readonly written: number,
    readonly total: number,
    readonly target: ThreadTarget,
    override readonly cause: unknown,
  ) {
    super(`thread note ${written + 1} of ${total} failed`);
    this.name = 'ThreadPartlyLoggedError';
  }
}

/**
 * The words for a failed thread log: what was written, what failed and why, and that trying again
 * writes the rest — by submitting the form again, or (`retry`) with the failure DM's Retry.
 */
export function threadFailureWords(err: unknown, again: 'submit' | 'retry' = 'submit'): string | undefined {
  if (!(err instanceof ThreadPartlyLoggedError)) return undefined;
  const why = describeAgileError(err.cause);
  if (err.written === 0) return undefined;
  const rest = again === 'retry' ? 'Retry logs the rest' : 'Submit again to log the rest';
  return `Notes 1–${err.written} of ${err.total} were logged to ${err.target.name}; note ${err.written + 1} failed (${why}). ${rest} — the logged ones are not written twice.`;
}

/**
 * Why Slack would not let the thread be read, in words (undefined: not a Slack error). The app reads
 * only conversations it is in: a channel it can be invited to, a direct message it cannot.
 */
export function slackReadWords(
  err: unknown,
  where: { channel: string; channelName?: string },
): string | undefined {
  const code = (err as { data?: { error?: string } } | undefined)?.data?.error;
  if (!code) return undefined;
  switch (code) {
    case 'not_in_channel':
    case 'channel_not_found': {
      const kind = conversationKind(where.channel, where.channelName);
      if (kind === 'channel')
        return 'I can’t read this conversation: add the Agile CRM app to it first (/invite @Agile CRM), then try again';
      const dm = kind === 'im' ? 'a direct message' : 'a group direct message';
      return `I can’t read this thread: it is in ${dm}, which the Agile CRM app is not part of, so Slack does not let it read the thread. Use Log to CRM on the messages you want to keep (one at a time), or copy the thread into a note (/crm note)`;
    }
    case 'missing_scope':
      return 'the app may not read this kind of conversation (a *:history permission is missing) — ask an admin to reinstall it from manifest.yml';
    case 'thread_not_found':
      return 'this thread is gone (deleted?)';
    default:
      return `Slack did not let me read this thread (${code}) — try again in a moment`;
  }
}

/** The underlying Agile error of a failed thread log (for the input it belongs to). */
export function threadFailureCause(err: unknown): unknown {
  return err instanceof ThreadPartlyLoggedError ? err.cause : err;
}

export interface LogThreadInput extends Actor {
  /** The submitted view: a re-delivered submission, or a retry after a failure, writes each note once. */
  viewId: string;
  meta: ThreadModalMeta;
  target: ThreadTarget;
  /** Tests force small notes. */
  maxNoteChars?: number;
}

/** Looks a written part up in Agile; undefined when it is not there (or Agile could not say). */
async function findPart(deps: ThreadDeps, target: ThreadTarget, note: ThreadNote): Promise<Note | undefined> {
  const text = { subject: note.subject, description: note.description };
  return target.kind === 'deal'
    ? findDealNote(deps.agile, target.id, text)
    : findContactNote(deps.agile, target.id, text);
}

/**
 * Writes one part (audited). A contact note's id is in Agile's answer; a deal note's answer is the
 * deal, so its id is looked up among the deal's notes afterwards, and left out (null) when that
 * lookup fails: the note is written either way, and it must not be written again for want of an id.
 * After a write that got no answer (`afterUnknown`), a part that landed is taken instead of written.
 */
async function writePart(
  deps: ThreadDeps,
  actor: Actor,
  target: ThreadTarget,
  note: ThreadNote,
  attempt: OnceAttempt,
): Promise<{ noteId: string | null }> {
  if (attempt.afterUnknown) {
    const landed = await findPart(deps, target, note);
    if (landed) return { noteId: String(landed.id) };
  }
  const ids: Record<string, string> =
    target.kind === 'deal' ? { dealId: target.id } : { contactId: target.id };
  return audited(
    deps.audit,
    {
      action: 'note.create',
      actor,
      summary: note.subject,
      ids,
      written: ({ noteId }: { noteId: string | null }) => ({
        recordIds: noteId ? { noteId } : ({} as Record<string, string>),
      }),
    },
    async () => {
      const text = { subject: note.subject, description: note.description };
      if (target.kind === 'contact') {
        const written = await deps.agile.notes.createForContacts({ ...text, contactIds: [target.id] });
        return { noteId: String(written.id) };
      }
      await deps.agile.notes.createForDeal({ ...text, dealIds: [target.id] });
      const found = await findPart(deps, target, note).catch((err: unknown) => {
        deps.logger.warn({ err, dealId: target.id }, 'deal note written, but its id could not be read back');
        return undefined;
      });
      return { noteId: found ? String(found.id) : null };
    },
  );
}

/**
 * Logs the thread (up to the message the modal showed) as notes on one contact or deal, in order,
 * each exactly once: a part already written (an earlier attempt that failed further on) is not
 * written again. Records the log so the next attempt on this thread asks first.
 */
export function logThread(
  deps: ThreadDeps,
  client: WebClient,
  input: LogThreadInput,
): Promise<OnceOutcome<ThreadLogged>> {
  const actor: Actor = { teamId: input.teamId, userId: input.userId };
  return runOnce(deps.store, onceKey('thread.submit', input.teamId, input.viewId), async () => {
    const { meta, target } = input;
    const ref = { channel: meta.channel, threadTs: meta.threadTs, latestTs: meta.latestTs };
    const { read, notes } = await prepareThread(deps, client, actor, ref, meta, input.maxNoteChars);
    const noteIds: string[] = [];
    for (const [i, note] of notes.entries()) {
      const key = onceKey(
        'thread.part',
        input.teamId,
        input.viewId,
        target.kind,
        target.id,
        i + 1,
        notes.length,
      );
      try {
        const part = await runOnce(deps.store, key, (attempt) =>
          writePart(deps, actor, target, note, attempt),
        );
        if (part.status !== 'done') throw new Error('this note is being written by another attempt');
        if (part.result.noteId) noteIds.push(part.result.noteId);
      } catch (err) {
        throw new ThreadPartlyLoggedError(i, notes.length, target, err);
      }
    }
    await deps.store.threadLogs.record({
      teamId: input.teamId,
      channelId: meta.channel,
      threadTs: meta.threadTs,
      targetKind: target.kind,
      targetId: target.id,
      targetName: target.name,
      loggedBy: input.userId,
      noteIds,
      viewId: input.viewId,
    });
    return { target, messages: read.messages.length, notes: notes.length };
  });
}
