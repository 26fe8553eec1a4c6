import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import { type SubmitArgs, submitWithBudget } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import {
  alreadyLoggedError,
  buildNoteAlreadyLoggedMessage,
  buildNoteLoggedMessage,
} from './message-views.js';
import {
  buildNoteAlreadyView,
  buildNoteDoneView,
  buildNoteModal,
  buildNoteSavingView,
  contactNameFromOption,
  decodeNoteMeta,
} from './modal-view.js';
import {
  deriveSubject,
  logMessageNote,
  type MessageNoteResult,
  type NoteField,
  type NoteOrigin,
  validateNote,
  writeNote,
} from './use-case.js';

const FIELD_BLOCK: Record<NoteField, string> = {
  contact: BLOCK.contact,
  subject: BLOCK.subject,
  note: BLOCK.note,
};

/** Which input an Agile refusal belongs to; anything else shows under the note itself. */
export function noteErrorBlock(err: unknown): string {
  if (isAgileError(err) && err.kind === 'invalid') {
    if (/contact/i.test(err.reason ?? '')) return BLOCK.contact;
    if (/subject/i.test(err.reason ?? '')) return BLOCK.subject;
  }
  return BLOCK.note;
}

type NoteResult = MessageNoteResult & { subject: string };

/**
 * Log note submitted: validate before any I/O; a message already logged to that contact keeps the
 * modal open with the link under Contact (another contact may still be chosen); otherwise write once
 * per view, react 📝 on the message and confirm ephemerally.
 */
export function noteSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client } = args;
    const state = readState(view.state.values);
    const picked = state.selected(BLOCK.contact, ACTION.contactPicker);
    const subject = state.text(BLOCK.subject, ACTION.subjectInput)?.trim();
    const text = state.text(BLOCK.note, ACTION.noteInput);
    const invalid = validateNote({ contactId: picked?.value, subject, text });
    const fields = Object.keys(invalid) as NoteField[];
    if (fields.length > 0 || !picked || !text) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(fields.map((f) => [FIELD_BLOCK[f], invalid[f] ?? ''])),
      });
      return;
    }
    const meta = decodeNoteMeta(view.private_metadata);
    const contact = { id: picked.value, name: contactNameFromOption(picked.text) };
    const message =
      meta.channel && meta.ts ? { channel: meta.channel, ts: meta.ts, permalink: meta.permalink } : undefined;
    if (message) {
      const earlier = await deps.store.loggedMessages
        .find(message.channel, message.ts, contact.id)
        .catch(() => undefined);
      if (earlier) {
        await ack({
          response_action: 'errors',
          errors: { [BLOCK.contact]: alreadyLoggedError(earlier.permalink ?? meta.permalink) },
        });
        return;
      }
    }
    const userId = body.user.id;
    const target = { user: userId, channel: meta.channel };

    await submitWithBudget<NoteResult>(args, deps, {
      work: async () => {
        const profile = await deps.slackUsers.profile(userId);
        const origin: NoteOrigin = {
          loggedByName: profile.name,
          channelName: meta.channelName,
          permalink: meta.permalink,
          authorName: meta.authorName,
        };
        const input = { contactId: contact.id, subject, text, origin };
        const result: MessageNoteResult = message
          ? await logMessageNote(deps, { ...input, message, loggedBy: userId })
          : { status: 'logged', ...(await writeNote(deps.agile, input)), permalink: null };
        return { ...result, subject: subject || deriveSubject(text) };
      },
      onSuccess: async (result, { replayed }) => {
        // A re-delivered submission: the first delivery reacted and confirmed.
        if (replayed) return;
        if (result.status === 'already') {
          await notifyUser(
            client,
            deps.logger,
            target,
            buildNoteAlreadyLoggedMessage({ contactName: contact.name, permalink: result.permalink }),
          );
          return;
        }
        if (message) await addMemoReaction(deps, client, message.channel, message.ts);
        await notifyUser(
          client,
          deps.logger,
          target,
          buildNoteLoggedMessage({
            contactName: contact.name,
            subject: result.subject,
            permalink: result.permalink,
          }),
        );
      },
      errorBlock: noteErrorBlock,
      savingView: buildNoteSavingView,
      doneView: (result) =>
        result.status === 'already'
          ? buildNoteAlreadyView({ contactName: contact.name, permalink: result.permalink })
          : buildNoteDoneView({
              contactName: contact.name,
              subject: result.subject,
              permalink: result.permalink,
            }),
      failedView: (error) => buildNoteModal({ meta, contact, subject, note: text, error }),
    });
  };
}

/** 📝 on the logged message; already_reacted (logged to a second contact) is fine. Never throws. */
async function addMemoReaction(deps: Deps, client: WebClient, channel: string, ts: string): Promise<void> {
  try {
    await client.reactions.add({ channel, timestamp: ts, name: 'memo' });
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code !== 'already_reacted') deps.logger.warn({ err, channel }, 'could not add the 📝 reaction');
  }
}
