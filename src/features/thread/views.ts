import type { KnownBlock, ModalView } from '@slack/types';
import { channelLabel, slackDate } from '../../platform/slack/format.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildStatusModal,
  errorSection,
  inputBlock,
  textSection,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { buildContactSelect } from '../contacts/picker-view.js';
import { buildDealPicker } from '../pipeline/views.js';
import { encodeThreadMeta, type ThreadModalMeta, type ThreadTarget } from './schema.js';

const TITLE = 'Log thread';
/** The preview shows the start of the first note: enough to recognise the thread. */
const PREVIEW_MAX = 2500;

export interface ThreadPreview {
  messages: number;
  people: number;
  external: number;
  /** How many notes the thread will be logged as. */
  notes: number;
  /** The first note's text. */
  firstNote: string;
}

/** The thread's most recent log, when it was logged before. */
export interface EarlierLog {
  targetName: string;
  loggedBy: string;
  createdMs: number;
  /** The form that logged it. */
  viewId?: string | null;
}

export interface ThreadModalData {
  meta: ThreadModalMeta;
  /** Absent when the form comes back after a slow write failed (the thread is not read again). */
  preview?: ThreadPreview;
  earlier?: EarlierLog;
  error?: string;
}

function link(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "This thread was logged to *X* on <date> by <@U>." */
export function earlierLine(e: EarlierLog): string {
  return `This thread was logged to *${escapeMrkdwn(e.targetName)}* on ${slackDate(Math.floor(e.createdMs / 1000))} by <@${e.loggedBy}>.`;
}

/** The Log thread form: who spoke, an earlier log to confirm past, Contact or Deal, and a preview. */
export function buildThreadModal(data: ThreadModalData): ModalView {
  const { meta, preview } = data;
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error));
  const where = channelLabel(meta.channelName);
  const counts = preview
    ? [
        plural(preview.messages, 'message'),
        plural(preview.people, 'person', 'people'),
        ...(preview.external > 0 ? [`${preview.external} external`] : []),
      ]
    : [];
  let context = [`Thread${where ? ` in ${escapeMrkdwn(where)}` : ''}`, ...counts].join(' · ');
  if (meta.permalink) context += ` · ${link(meta.permalink, 'view thread')}`;
  blocks.push({ type: 'context', elements: [mrkdwnText(context)] });

  if (data.earlier) {
    blocks.push(textSection(`⚠️ ${earlierLine(data.earlier)} Log it again?`));
    blocks.push(
      inputBlock(BLOCK.logAgain, 'Log it again', {
        type: 'checkboxes',
        action_id: ACTION.logAgain,
        options: [{ text: plainText('Yes, log this thread again', LIMITS.optionText), value: 'again' }],
      }),
    );
  }
  blocks.push(
    inputBlock(BLOCK.contact, 'Contact', buildContactSelect(), { optional: true }),
    inputBlock(BLOCK.deal, 'or Deal', buildDealPicker(), {
      optional: true,
      hint: plainText('Pick a contact or a deal.', LIMITS.inputHint),
    }),
  );
  if (preview?.firstNote) {
    const parts =
      preview.notes > 1
        ? `Preview — logged as ${preview.notes} notes, in order, numbered (1/${preview.notes}) …`
        : 'Preview';
    blocks.push(
      { type: 'divider' },
      { type: 'context', elements: [mrkdwnText(`*${parts}*`)] },
      textSection(truncate(escapeMrkdwn(preview.firstNote), PREVIEW_MAX)),
    );
  }
  return buildModalShell({
    callbackId: CALLBACK.threadModal,
    title: TITLE,
    submit: 'Log thread',
    metadata: encodeThreadMeta(meta),
    blocks,
  });
}

function statusModal(text: string, meta?: ThreadModalMeta): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.threadModal,
    title: TITLE,
    text,
    ...(meta ? { metadata: encodeThreadMeta(meta) } : {}),
  });
}

/** Opened at once (a trigger_id lives 3 s) while the thread is read. */
export function buildThreadLoadingModal(meta: ThreadModalMeta): ModalView {
  return statusModal('⏳ Reading the thread…', meta);
}

export function buildThreadUnavailableModal(message: string): ModalView {
  return statusModal(`⚠️ ${escapeMrkdwn(message)}`);
}

export function buildThreadSavingModal(): ModalView {
  return statusModal('⏳ Saving the thread to the CRM…');
}

export interface ThreadLogged {
  target: ThreadTarget;
  messages: number;
  notes: number;
}

/** "the thread (12 messages) to contact <name> as 2 notes", the name as `name` renders it. */
function loggedWords(r: ThreadLogged, name: (s: string) => string): string {
  const what = r.target.kind === 'deal' ? 'deal' : 'contact';
  const notes = r.notes > 1 ? ` as ${r.notes} notes` : ' as a note';
  return `the thread (${plural(r.messages, 'message')}) to ${what} ${name(r.target.name)}${notes}`;
}

/** Plain words (no mrkdwn) for what was logged: "logged the thread (12 messages) to contact Ada Lovelace as 2 notes". */
export function threadLoggedSummary(r: ThreadLogged): string {
  return `logged ${loggedWords(r, (n) => n)}`;
}

function loggedLine(r: ThreadLogged): string {
  return `📝 Logged ${loggedWords(r, (n) => `*${escapeMrkdwn(n)}*`)}.`;
}

export function buildThreadDoneModal(r: ThreadLogged): ModalView {
  return statusModal(loggedLine(r));
}

/** The private confirmation in the channel. */
export function buildThreadLoggedMessage(r: ThreadLogged): SlackMessage {
  const text = loggedLine(r);
  return { text: truncate(text, LIMITS.fallbackText), blocks: [textSection(text)] };
}
