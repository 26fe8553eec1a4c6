import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { confirmWithUndo } from '../undo/offer.js';
import { noteUndo } from '../undo/specs.js';
import {
  alreadyLoggedError,
  buildNoteAlreadyLoggedMessage,
  buildNoteLoggedMessage,
} from './message-views.js';
import {
  buildNoteAlreadyLoggedModal,
  buildNoteDoneModal,
  buildNoteModal,
  buildNoteSavingModal,
} from './modal-views.js';
import { contactNameFromOption, decodeNoteMeta, noteFormSchema } from './schema.js';
import { earlierLogOf, type LogNoteInput, logNote, markMessageLogged, messageNoteKey } from './use-case.js';

/** Which input an Agile refusal belongs to; anything else shows under the note itself. */
export function noteErrorBlock(err: unknown): string {
  if (isAgileError(err) && err.kind === 'invalid') {
    if (/contact/i.test(err.reason ?? '')) return BLOCK.contact;
    if (/subject/i.test(err.reason ?? '')) return BLOCK.subject;
  }
  return BLOCK.note;
}

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
    const form = parseForm(noteFormSchema, {
      contact: picked?.value,
      subject: state.text(BLOCK.subject, ACTION.subjectInput),
      note: state.text(BLOCK.note, ACTION.noteInput),
    });
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const { subject, note: text } = form.data;
    const meta = decodeNoteMeta(view.private_metadata);
    const contact = { id: form.data.contact, name: contactNameFromOption(picked?.text ?? '') };
    const message =
      meta.channel && meta.ts ? { channel: meta.channel, ts: meta.ts, permalink: meta.permalink } : undefined;
    if (message) {
      const earlier = await earlierLogOf(deps, message, contact.id);
      if (earlier !== undefined) {
        await ack({ response_action: 'errors', errors: { [BLOCK.contact]: alreadyLoggedError(earlier) } });
        return;
      }
    }
    const target = { user: body.user.id, channel: meta.channel };
    const input: LogNoteInput = {
      ...actorOfBody(body),
      viewId: body.view.id,
      contactId: contact.id,
      subject,
      text,
      channelName: meta.channelName,
      authorName: meta.authorName,
      message,
    };
    const write = async () => {
      const outcome = await logNote(deps, input);
      if (outcome.status === 'in_progress' || outcome.replayed)
        deps.logger.info({ viewId: body.view.id }, 'Log note: a repeated submission; the first one confirms');
      return outcome;
    };

    await submitForm(args, deps, {
      write,
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
        if (message) await markMessageLogged(client, deps.logger, message);
        const logged = buildNoteLoggedMessage({
          contactName: contact.name,
          subject: result.subject,
          permalink: result.permalink,
        });
        const undo = noteUndo({
          contactId: contact.id,
          noteId: result.noteId,
          subject: result.subject,
          contactName: contact.name,
          ...(message
            ? { message: { ...message, onceKey: messageNoteKey(input.teamId, message, contact.id) } }
            : {}),
        });
        await notifyUser(client, deps.logger, target, await confirmWithUndo(deps, input, logged, undo));
      },
      errorBlock: noteErrorBlock,
      savingView: buildNoteSavingModal,
      doneView: (result) =>
        result.status === 'already'
          ? buildNoteAlreadyLoggedModal({ contactName: contact.name, permalink: result.permalink })
          : buildNoteDoneModal({
              contactName: contact.name,
              subject: result.subject,
              permalink: result.permalink,
            }),
      failedView: (error) => buildNoteModal({ meta, contact, subject, note: text, error }),
      retry: {
        kind: NOTE_FORM_RETRY,
        input: { input, contactName: contact.name } satisfies NoteRetryInput,
        what: `Your note to ${contact.name}`,
        typed: subject ? `${subject}\n\n${text}` : text,
      },
    });
  };
}

export const NOTE_FORM_RETRY = 'note.form';

interface NoteRetryInput {
  input: LogNoteInput;
  contactName: string;
}

/**
 * Retry from the failure DM: the same input, so the same idempotency key (note.submit per view): a note
 * that did land after all is replayed, never written twice.
 */
export async function retryNoteForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const { input, contactName } = stored as NoteRetryInput;
  const outcome = await logNote(deps, input);
  if (outcome.status === 'in_progress') return outcome;
  if (outcome.result.status === 'already')
    return { status: 'done', summary: `already logged to ${contactName}` };
  if (input.message && !outcome.replayed)
    await markMessageLogged(deps.slackClient, deps.logger, input.message);
  return { status: 'done', summary: `logged to ${contactName} (${outcome.result.subject})` };
}
