import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../platform/slack/mrkdwn.js';
import { COMMAND_USAGE } from './usage.js';

export type { SlackMessage } from '../../platform/slack/message.js';

const SECTION_TEXT_MAX = LIMITS.text;
const FALLBACK_TEXT_MAX = LIMITS.fallbackText;

const DIGEST_EXAMPLES = [
  '/crm digest on 08:30 Europe/Berlin days 3 weekdays',
  '/crm digest on 09:00 owner me',
  '/crm digest off',
  '/crm digest status',
  '/crm digest now',
];

/** Ephemeral usage for `/crm help` and `/crm` alone: one short section per command, each with an example. */
export function buildHelpMessage(): SlackMessage {
  const { digest, ...others } = COMMAND_USAGE;
  const sections: KnownBlock[] = Object.values(others).map((u) =>
    mrkdwnSection(`*${escapeMrkdwn(u.what)}*\n\`${escapeMrkdwn(u.example)}\``),
  );
  sections.push(
    mrkdwnSection(
      `*${escapeMrkdwn(digest.what)}*\n${DIGEST_EXAMPLES.map((e) => `\`${escapeMrkdwn(e)}\``).join('\n')}`,
    ),
  );
  return {
    text: 'How to use /crm: lookup, note, task, deal, move, reply, digest, follow, connect. Type /crm help for examples.',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Agile CRM from Slack', emoji: true } },
      ...sections,
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Commands with nothing after them (`/crm note`, `/crm task`, `/crm move`, `/crm reply`) open a form.',
          },
        ],
      },
    ],
  };
}

/** Ephemeral answer to a malformed `/crm` command: what went wrong, then the right usage. */
export function buildUsageError(cmd: { message: string; usage: string }): SlackMessage {
  const message = cmd.message.trim() === '' ? 'I could not read that command.' : cmd.message;
  const usage = cmd.usage.trim() === '' ? COMMAND_USAGE.help.usage : cmd.usage;
  // The code fence takes 6 characters and must survive truncation, so the usage gets the rest.
  const fencedUsage = `\`\`\`${truncate(escapeMrkdwn(usage), SECTION_TEXT_MAX - 6)}\`\`\``;
  return {
    text: truncate(`${message}\n${usage}`, FALLBACK_TEXT_MAX),
    blocks: [
      mrkdwnSection(truncate(escapeMrkdwn(message), SECTION_TEXT_MAX)),
      mrkdwnSection(fencedUsage),
      { type: 'context', elements: [{ type: 'mrkdwn', text: '`/crm help` lists every command.' }] },
    ],
  };
}

function mrkdwnSection(text: string): KnownBlock {
  // verbatim: Slack must not turn echoed text into links or mentions.
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}
