import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from './mrkdwn.js';

/** What every message builder returns: blocks plus the plain `text` fallback Slack wants. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const ICON = { error: '⚠️', success: '✅', info: 'ℹ️' } as const;

/**
 * A one-section notice (errors, confirmations without a card). `text` is plain: it is escaped here
 * (blocks and the notification fallback alike), so callers pass what the user or the CRM said as it is.
 */
export function buildNotice(kind: keyof typeof ICON, text: string, detail?: string): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(`${ICON[kind]} ${escapeMrkdwn(text)}`) }];
  if (detail) {
    blocks.push({ type: 'context', elements: [mrkdwnText(escapeMrkdwn(detail), LIMITS.text)] });
  }
  return { text: truncate(`${ICON[kind]} ${escapeMrkdwn(text)}`, LIMITS.fallbackText), blocks };
}
