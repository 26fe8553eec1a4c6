import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Deps } from '../../app/deps.js';
import { type AgileClient, type Contact, getFullName } from '../../platform/agile/index.js';
import { type AuditTrail, audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { channelLabel } from '../../platform/slack/format.js';
import type { Store } from '../../platform/store/index.js';
import {
  type OnceAttempt,
  type OnceOutcome,
  onceKey,
  QUICK_PATH_TTL_SEC,
  runOnce,
} from '../../platform/store/run-once.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { findContactByEmail } from '../contacts/find-contact.js';
import { noteLanded } from './landed.js';
import { noteTextIssue } from './schema.js';

/** Subject made from the note's first line when none is given. */
const DERIVED_SUBJECT_MAX = 80;

/** Where a note written from Slack came from: the footer tells the CRM timeline who and where. */
export interface NoteOrigin {
  /** Slack name of whoever logged it. */
  loggedByName: string;
  /** Channel name without '#'; undefined for a direct message. */
  channelName?: string;
  /** Permalink of the message the note was made from. */
  permalink?: string;
  /** Name of the message's author, when the note was made from a message. */
  authorName?: string;
}

/** "Logged from Slack by Alice in #sales — https://…/p123": plain text, since Agile stores notes as text. */
export function buildNoteFooter(origin: NoteOrigin): string {
  const where = channelLabel(origin.channelName);
  const by = `Logged from Slack by ${origin.loggedByName.trim() || 'a Slack user'}`;
  return `${by}${where ? ` in ${where}` : ''}${origin.permalink ? ` — ${origin.permalink}` : ''}`;
}

/** The note body stored in Agile: the text, who wrote the message (if any), then the footer last. */
export function composeNoteDescription(text: string, origin: NoteOrigin): string {
  const author = origin.authorName ? `Message by ${origin.authorName}\n` : '';
  return `${text.trimEnd()}\n\n${author}${buildNoteFooter(origin)}`;
}

/** The first non-empty line, whitespace collapsed, cut to a short subject. */
export function deriveSubject(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  if (!line) return 'Note from Slack';
  return line.length <= DERIVED_SUBJECT_MAX ? line : `${line.slice(0, DERIVED_SUBJECT_MAX - 1).trimEnd()}…`;
}

interface NoteWrite {
  contactId: string;
  subject?: string;
  text: string;
  origin: NoteOrigin;
}

type NoteDeps = { agile: AgileClient; audit: AuditTrail };

/**
 * Writes one note related to one contact (audited); the subject defaults to the text's first line.
 * After a write that got no answer (`afterUnknown`), a note that landed is returned instead.
 */
async function writeNote(
  deps: NoteDeps,
  actor: Actor,
  input: NoteWrite,
  attempt: OnceAttempt,
): Promise<{ noteId: string }> {
  const subject = input.subject?.trim() || deriveSubject(input.text);
  const description = composeNoteDescription(input.text, input.origin);
  if (attempt.afterUnknown) {
    const landed = await noteLanded(deps.agile, { contactId: input.contactId, subject, description });
    if (landed) return landed;
  }
  const spec = {
    action: 'note.create',
    actor,
    summary: subject,
    ids: { contactId: input.contactId },
    written: ({ noteId }: { noteId: string }) => ({ recordIds: { noteId } }),
  } as const;
  return audited(deps.audit, spec, async () => {
    const note = await deps.agile.notes.createForContacts({
      subject,
      description,
      contactIds: [input.contactId],
    });
    return { noteId: String(note.id) };
  });
}

export interface SourceMessage {
  channel: string;
  ts: string;
  permalink?: string;
}

export type MessageNoteResult =
  | { status: 'logged'; noteId: string; permalink: string | null }
  /** This message was already logged to this contact (now, or by a concurrent submission). */
  | { status: 'already'; permalink: string | null; loggedBy: string | null };

/** The key a message is logged to a contact under (once per message and contact; an Undo forgets it). */
export function messageNoteKey(teamId: string, message: SourceMessage, contactId: string): string {
  return onceKey('note.message', teamId, message.channel, message.ts, contactId);
}

/**
 * Logs a Slack message as a note, once per (message, contact): an earlier log answers 'already'
 * without writing, and a concurrent one (two people, same message) is held off by a claim in the store.
 */
async function logMessageNote(
  deps: NoteDeps & { store: Store },
  input: NoteWrite & { teamId: string; message: SourceMessage; loggedBy: string },
): Promise<MessageNoteResult> {
  const { channel, ts } = input.message;
  const earlier = await deps.store.loggedMessages.find(channel, ts, input.contactId);
  if (earlier) return { status: 'already', permalink: earlier.permalink, loggedBy: earlier.loggedBy };
  const outcome = await runOnce(
    deps.store,
    messageNoteKey(input.teamId, input.message, input.contactId),
    async (attempt) => {
      const { noteId } = await writeNote(
        deps,
        { teamId: input.teamId, userId: input.loggedBy },
        input,
        attempt,
      );
      await deps.store.loggedMessages.record({
        teamId: input.teamId,
        channel,
        ts,
        contactId: input.contactId,
        noteId,
        permalink: input.message.permalink ?? null,
        loggedBy: input.loggedBy,
      });
      return { noteId };
    },
  );
  if (outcome.status === 'done' && !outcome.replayed)
    return { status: 'logged', noteId: outcome.result.noteId, permalink: input.message.permalink ?? null };
  return { status: 'already', permalink: input.message.permalink ?? null, loggedBy: null };
}

/** The permalink (or '' when none) of an earlier log of this message to this contact; undefined if none. */
export async function earlierLogOf(
  deps: Pick<Deps, 'store'>,
  message: SourceMessage,
  contactId: string,
): Promise<string | undefined> {
  const earlier = await deps.store.loggedMessages
    .find(message.channel, message.ts, contactId)
    .catch(() => undefined);
  if (!earlier) return undefined;
  return earlier.permalink ?? message.permalink ?? '';
}

export interface LogNoteInput extends Actor {
  /** The submitted view: a re-delivered or double submission writes once. */
  viewId: string;
  contactId: string;
  subject?: string;
  text: string;
  channelName?: string;
  authorName?: string;
  /** Set when the note is made from a message: logged once per (message, contact). */
  message?: SourceMessage;
}

export type NoteResult = MessageNoteResult & { subject: string };

/** The Log note form submitted: writes once per view, a message once per contact. */
export function logNote(
  deps: Pick<Deps, 'agile' | 'store' | 'slackUsers' | 'audit'>,
  input: LogNoteInput,
): Promise<OnceOutcome<NoteResult>> {
  return runOnce(deps.store, onceKey('note.submit', input.teamId, input.viewId), async (attempt) => {
    const profile = await deps.slackUsers.profile(input.userId);
    const origin: NoteOrigin = {
      loggedByName: profile.name,
      channelName: input.channelName,
      permalink: input.message?.permalink,
      authorName: input.authorName,
    };
    const note = { contactId: input.contactId, subject: input.subject, text: input.text, origin };
    const result: MessageNoteResult = input.message
      ? await logMessageNote(deps, {
          ...note,
          teamId: input.teamId,
          message: input.message,
          loggedBy: input.userId,
        })
      : { status: 'logged', ...(await writeNote(deps, input, note, attempt)), permalink: null };
    return { ...result, subject: input.subject || deriveSubject(input.text) };
  });
}

/** 📝 on the logged message; already_reacted (logged to a second contact) is fine. Never throws. */
export async function markMessageLogged(
  client: WebClient,
  logger: Logger,
  message: SourceMessage,
): Promise<void> {
  try {
    await client.reactions.add({ channel: message.channel, timestamp: message.ts, name: 'memo' });
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code !== 'already_reacted')
      logger.warn({ err, channel: message.channel }, 'could not add the 📝 reaction');
  }
}

/** The bot's 📝 off a message (its note was undone); a 📝 already gone, or a message gone, is fine. Never throws. */
export async function unmarkMessageLogged(
  client: WebClient,
  logger: Logger,
  message: Pick<SourceMessage, 'channel' | 'ts'>,
): Promise<void> {
  try {
    await client.reactions.remove({ channel: message.channel, timestamp: message.ts, name: 'memo' });
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code !== 'no_reaction' && code !== 'message_not_found' && code !== 'channel_not_found')
      logger.warn({ err, channel: message.channel }, 'could not remove the 📝 reaction');
  }
}

/**
 * Idempotency key of `/crm note <email> <text>`: a slash command has no id of its own and its
 * trigger_id changes on each send, so the same text to the same email by the same user is one note
 * for as long as the key lives (QUICK_PATH_TTL_SEC: within a minute of the first). The text is hashed.
 */
export function quickNoteKey(actor: Actor, email: string, text: string): string {
  const hash = createHash('sha256').update(text.trim()).digest('hex').slice(0, 32);
  return onceKey('note.quick', actor.teamId, actor.userId, email.trim().toLowerCase(), hash);
}

export type QuickNoteOutcome =
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown_contact' }
  | { kind: 'logged'; contactName: string; subject: string; contactId: string; noteId: string }
  /** The same command again within the window: not written twice. */
  | { kind: 'duplicate'; contactName: string; inProgress: boolean };

/**
 * `/crm note <email> <text>`: finds the contact (email as typed, then lower-cased) and writes once per
 * (user, email, text) within QUICK_PATH_TTL_SEC of the first send. CRM failures throw.
 */
export async function logQuickNote(
  deps: Pick<Deps, 'agile' | 'store' | 'slackUsers' | 'audit'>,
  input: Actor & { email: string; text: string; channelName?: string },
): Promise<QuickNoteOutcome> {
  const invalid = noteTextIssue(input.text);
  if (invalid) return { kind: 'invalid', reason: invalid };
  const contact = await findContactByEmail(deps.agile, input.email);
  if (!contact) return { kind: 'unknown_contact' };
  const contactName = getFullName(contact) ?? input.email;
  const outcome = await runOnce(
    deps.store,
    quickNoteKey(input, input.email, input.text),
    async (attempt) => {
      const profile = await deps.slackUsers.profile(input.userId);
      const note = {
        contactId: contact.id,
        text: input.text,
        origin: { loggedByName: profile.name, channelName: input.channelName },
      };
      return writeNote(deps, input, note, attempt);
    },
    { ttlSec: QUICK_PATH_TTL_SEC },
  );
  if (outcome.status === 'in_progress' || outcome.replayed)
    return { kind: 'duplicate', contactName, inProgress: outcome.status === 'in_progress' };
  return {
    kind: 'logged',
    contactName,
    subject: deriveSubject(input.text),
    contactId: contact.id,
    noteId: outcome.result.noteId,
  };
}

/** Past this the card's form opens without the contact preselected (the user can still pick it). */
export const CARD_CONTACT_BUDGET_MS = 2500;

export type CardContact =
  | { kind: 'found'; contact: ContactChoice }
  | { kind: 'gone' }
  | { kind: 'slow' }
  | { kind: 'failed'; error: unknown };

/** The contact a card's "Log note" was clicked on, to preselect it; never throws. */
export async function loadCardContact(deps: Pick<Deps, 'agile'>, contactId: string): Promise<CardContact> {
  if (!/^\d+$/.test(contactId)) return { kind: 'gone' };
  try {
    const found = await within(deps.agile.contacts.get(contactId), CARD_CONTACT_BUDGET_MS);
    if (found === TIMEOUT) return { kind: 'slow' };
    return found ? { kind: 'found', contact: toChoice(found) } : { kind: 'gone' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/**
 * The first of `emails` (in order) that belongs to a CRM contact, searched in parallel; a failed
 * search counts as "not found" since a preselection is a convenience, never worth an error.
 */
export async function findContactForEmails(agile: AgileClient, emails: string[]): Promise<Contact | null> {
  const found = await Promise.all(emails.map((e) => findContactByEmail(agile, e).catch(() => null)));
  return found.find((c): c is Contact => c !== null) ?? null;
}

export type { Actor };
