import type { KnownBlock } from '@slack/types';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const USAGE: { command: string; what: string; example: string }[] = [
  { command: '/crm help', what: 'Show this help', example: '/crm help' },
];

/** Ephemeral usage for `/crm help` and `/crm` alone. */
export function buildHelpMessage(): SlackMessage {
  const lines = USAGE.map((u) => `*${u.command}* — ${u.what}\n      e.g. \`${u.example}\``);
  return {
    text: 'How to use /crm',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Agile CRM from Slack' } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    ],
  };
}
