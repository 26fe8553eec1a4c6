import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import type { AuditWindow } from './use-case.js';

/** Pure builders for `/crm audit`'s answers (plain text in: buildNotice escapes it). */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function windowWords(w: AuditWindow): string {
  return `last ${plural(w.days, 'day')}${w.filterUserId ? `, user ${w.filterUserId}` : ''}`;
}

function clampNote(w: AuditWindow, retentionDays: number): string | undefined {
  return w.clamped
    ? `The audit trail keeps ${plural(retentionDays, 'day')}, so that is the window.`
    : undefined;
}

export function buildAuditRefusedMessage(): SlackMessage {
  return buildNotice(
    'error',
    'Only workspace admins and owners (and whoever installed the app) can export the audit trail.',
  );
}

export function buildAuditEmptyMessage(w: AuditWindow, retentionDays: number): SlackMessage {
  return buildNotice(
    'info',
    `No CRM writes from Slack to export (${windowWords(w)}).`,
    clampNote(w, retentionDays),
  );
}

export function buildAuditSentMessage(
  w: AuditWindow & { rows: number; truncated: boolean },
  retentionDays: number,
): SlackMessage {
  const notes = [
    clampNote(w, retentionDays),
    w.truncated
      ? `Only the oldest ${plural(w.rows, 'row')} fit in one file: export fewer days for the rest.`
      : undefined,
  ].filter((n) => n !== undefined);
  return buildNotice(
    'success',
    `Sent you the audit CSV (${plural(w.rows, 'row')}, ${windowWords(w)}).`,
    notes.length > 0 ? notes.join(' ') : undefined,
  );
}

export function buildAuditUploadFailedMessage(reason: string): SlackMessage {
  return buildNotice('error', `Could not send you the audit CSV: ${reason}.`);
}

/** The comment posted with the file in the admin's DM (plain words: it is our text only). */
export function auditFileComment(w: AuditWindow & { rows: number }): string {
  return `Audit trail of CRM writes from Slack: ${plural(w.rows, 'row')}, ${windowWords(w)}.`;
}
