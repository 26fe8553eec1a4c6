import type { KnownBlock } from '@slack/types';
import { slackDate } from '../../platform/slack/format.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import { UNDO_BLOCK_ID, UNDO_WINDOW_MS } from './offer.js';
import type { TaskChange } from './specs.js';

const MINUTES = UNDO_WINDOW_MS / 60_000;

/** The words that replace the Undo button once it has done its job or can no longer. */
export type UndoClosing =
  | { kind: 'undone'; label: string; what: string; userId: string; atMs: number }
  | { kind: 'too_late' }
  | { kind: 'changed'; label: string }
  | { kind: 'gone'; label: string };

export function undoClosingText(closing: UndoClosing): string {
  switch (closing.kind) {
    case 'undone':
      return `↩️ Undone by <@${closing.userId}> at ${slackTime(closing.atMs)}: ${escapeMrkdwn(closing.what)}.`;
    case 'too_late':
      return `Too late to undo (${MINUTES} minutes).`;
    case 'changed':
      return `⚠️ ${escapeMrkdwn(capitalise(closing.label))} was changed in Agile since — nothing undone.`;
    case 'gone':
      return `⚠️ ${escapeMrkdwn(capitalise(closing.label))} is no longer in Agile — nothing undone.`;
  }
}

/**
 * The confirmation after its Undo was used or refused: its own blocks without the button, and a line
 * saying what happened. Without the original (an ephemeral message's blocks are not sent back), the line alone.
 */
export function buildUndoClosedMessage(
  original: readonly KnownBlock[] | undefined,
  closing: UndoClosing,
): SlackMessage {
  const line = undoClosingText(closing);
  const kept = (original ?? []).filter((b) => b.block_id !== UNDO_BLOCK_ID).slice(0, 49);
  const blocks: KnownBlock[] = [...kept, { type: 'context', elements: [mrkdwnText(line, LIMITS.text)] }];
  return { text: truncate(line, LIMITS.fallbackText), blocks };
}

/** Ephemeral, to anyone but the author who clicks Undo. */
export function buildNotAuthorMessage(authorId: string): SlackMessage {
  const text = `Only <@${authorId}> can undo this.`;
  return { text, blocks: [{ type: 'section', text: mrkdwnText(text) }] };
}

/** Ephemeral: the revert failed in Agile; the button stays for another try within the window. */
export function buildUndoFailedMessage(label: string, reason: string): SlackMessage {
  const text = `⚠️ Could not undo ${escapeMrkdwn(label)}: ${escapeMrkdwn(reason)}. Nothing was changed — try Undo again.`;
  return { text: truncate(text, LIMITS.fallbackText), blocks: [{ type: 'section', text: mrkdwnText(text) }] };
}

/** The time in each reader's zone (Slack renders it); the fallback is UTC. */
function slackTime(ms: number): string {
  const sec = Math.trunc(ms / 1000);
  const utc = new Date(sec * 1000).toISOString().slice(11, 16);
  return `<!date^${sec}^{time}|${utc} UTC>`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A digest or App Home task change, confirmed privately to whoever made it (the Undo goes under it). */
export function buildTaskChangedMessage(
  task: { subject: string; dueEpochSec: number },
  change: TaskChange,
  ownerName?: string,
): SlackMessage {
  const subject = `“${escapeMrkdwn(task.subject)}”`;
  const line =
    change.kind === 'complete'
      ? `✅ Completed ${subject}.`
      : change.kind === 'snooze'
        ? `✅ Snoozed ${subject} to ${slackDate(change.newDueEpochSec)}.`
        : `✅ Reassigned ${subject} to ${escapeMrkdwn(ownerName ?? 'its new owner')}.`;
  return { text: truncate(line, LIMITS.fallbackText), blocks: [{ type: 'section', text: mrkdwnText(line) }] };
}
