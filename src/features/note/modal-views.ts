import type { KnownBlock, ModalView } from '@slack/types';
import { channelLabel } from '../../platform/slack/format.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import {
  buildModalShell,
  buildStatusModal,
  errorSection,
  inputBlock,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { ContactChoice } from '../contacts/contact-search.js';
import { buildContactSelect } from '../contacts/picker-view.js';
import { alreadyLoggedLine, loggedLine, mrkdwnLink, type NoteDone } from './message-views.js';
import { encodeNoteMeta, NOTE_SUBJECT_MAX, type NoteModalMeta } from './schema.js';

const TITLE = 'Log note';
/** Slack caps a plain_text_input at 3000 characters; a longer message is cut in the prefill. */
export const NOTE_INPUT_MAX = LIMITS.inputMaxLength;

export interface NoteModalData {
  meta: NoteModalMeta;
  contact?: ContactChoice;
  subject?: string;
  note?: string;
  /** Shown on top (e.g. the write failed on a slow CRM, or the contact could not be loaded). */
  error?: string;
}

/** "Message by *Bob* in #sales · view message" above the inputs, when logging a message. */
function sourceContext(meta: NoteModalMeta): KnownBlock | undefined {
  if (!meta.ts) return undefined;
  const parts: string[] = [];
  if (meta.authorName) parts.push(`Message by *${escapeMrkdwn(meta.authorName)}*`);
  else parts.push('Message');
  const where = channelLabel(meta.channelName);
  if (where) parts.push(`in ${escapeMrkdwn(where)}`);
  let text = parts.join(' ');
  if (meta.permalink) text += ` · ${mrkdwnLink(meta.permalink, 'view message')}`;
  return { type: 'context', elements: [mrkdwnText(text)] };
}

/** The Log note form: Contact, Subject, Note (prefilled when logging a message or from a card). */
export function buildNoteModal(data: NoteModalData): ModalView {
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error));
  const source = sourceContext(data.meta);
  if (source) blocks.push(source);

  blocks.push(
    inputBlock(BLOCK.contact, 'Contact', buildContactSelect({ initial: data.contact ? [data.contact] : [] })),
    inputBlock(
      BLOCK.subject,
      'Subject',
      {
        type: 'plain_text_input',
        action_id: ACTION.subjectInput,
        max_length: NOTE_SUBJECT_MAX,
        ...(data.subject ? { initial_value: truncate(data.subject, NOTE_SUBJECT_MAX) } : {}),
      },
      {
        optional: true,
        hint: plainText('Left empty, the first line of the note becomes the subject.', LIMITS.inputHint),
      },
    ),
    inputBlock(
      BLOCK.note,
      'Note',
      {
        type: 'plain_text_input',
        action_id: ACTION.noteInput,
        multiline: true,
        max_length: NOTE_INPUT_MAX,
        ...(data.note ? { initial_value: truncate(data.note, NOTE_INPUT_MAX) } : {}),
      },
      {
        hint: plainText(
          'A last line saying who logged it from Slack (and where) is added for the CRM timeline.',
          LIMITS.inputHint,
        ),
      },
    ),
  );
  return buildModalShell({
    callbackId: CALLBACK.noteModal,
    title: TITLE,
    submit: 'Log note',
    metadata: encodeNoteMeta(data.meta),
    blocks,
  });
}

function statusModal(text: string, meta: NoteModalMeta = {}): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.noteModal,
    title: TITLE,
    text,
    metadata: encodeNoteMeta(meta),
  });
}

/** Opened at once (a trigger_id lives 3 s) while the message or the contact is fetched. */
export function buildNoteLoadingModal(meta: NoteModalMeta = {}): ModalView {
  return statusModal('⏳ Loading…', meta);
}

/** The form could not be filled: why, and what to do (the message may be logged again). */
export function buildNoteUnavailableModal(message: string): ModalView {
  return statusModal(`⚠️ ${escapeMrkdwn(message)}`);
}

/** A slow CRM is still saving: the submission was acked with this view. */
export function buildNoteSavingModal(): ModalView {
  return statusModal('⏳ Saving the note to the CRM…');
}

/** The saving view once the slow write succeeded. */
export function buildNoteDoneModal(done: NoteDone): ModalView {
  return statusModal(loggedLine(done));
}

/** The saving view when a concurrent submission had already logged this message to this contact. */
export function buildNoteAlreadyLoggedModal(a: {
  contactName: string;
  permalink?: string | null;
}): ModalView {
  return statusModal(alreadyLoggedLine(a));
}

/** What to say on top of the form when the card's contact could not be preselected. */
export function cardContactProblem(problem: 'gone' | 'slow' | { reason: string }): string {
  if (problem === 'gone') return 'That contact is no longer in the CRM — pick one below.';
  if (problem === 'slow') return 'The CRM is slow to answer — pick the contact below.';
  return `Could not load the contact (${problem.reason}) — pick it below.`;
}
