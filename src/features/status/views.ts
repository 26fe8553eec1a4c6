import type { KnownBlock } from '@slack/types';
import { isAgileError } from '../../platform/agile/index.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { slackDate } from '../../platform/slack/format.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import type { Check, StatusReport } from './use-case.js';

const OK = '✅';
const BAD = '❌';
const SLOW = '⚠️';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "3 d 4 h", "2 h 5 min", "12 min", "40 s". */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

function notInTime(check: { budgetMs: number }, who: string): string {
  return `${SLOW} ${who} did not answer in time (within ${seconds(check.budgetMs)})`;
}

function agileLine(check: Check<null>): string {
  switch (check.state) {
    case 'ok':
      return `${OK} reachable, API key valid (${check.ms} ms)`;
    case 'timeout':
      return notInTime(check, 'Agile CRM');
    case 'failed':
      if (isAgileError(check.error) && check.error.kind === 'auth') {
        return `${BAD} key rejected: reconnect with /crm connect (or check AGILE_EMAIL / AGILE_API_KEY) (${check.ms} ms)`;
      }
      return `${BAD} ${escapeMrkdwn(describeAgileError(check.error))} (${check.ms} ms)`;
  }
}

function slackLine(check: StatusReport['slack']): string {
  switch (check.state) {
    case 'ok': {
      const who = [check.value.botUser, check.value.team].filter(Boolean).map((x) => escapeMrkdwn(String(x)));
      return `${OK} bot token valid${who.length ? ` (${who.join(' in ')})` : ''}, ${check.ms} ms`;
    }
    case 'timeout':
      return notInTime(check, 'Slack');
    case 'failed': {
      const code = (check.error as { data?: { error?: unknown } }).data?.error;
      const reason =
        typeof code === 'string' ? code : check.error instanceof Error ? check.error.message : 'error';
      return `${BAD} token check failed: ${escapeMrkdwn(reason)}`;
    }
  }
}

function storeLine(store: StatusReport['store']): string {
  const kind = store.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const m = store.migrations;
  switch (m.state) {
    case 'ok':
      return `${OK} ${kind}, ${m.value.applied} migration${m.value.applied === 1 ? '' : 's'} applied (latest \`${escapeMrkdwn(m.value.latest ?? 'none')}\`)`;
    case 'timeout':
      return notInTime(m, kind);
    case 'failed':
      return `${BAD} ${kind} failed to answer: ${escapeMrkdwn(m.error instanceof Error ? m.error.message : String(m.error))}`;
  }
}

function schedulerLine(report: StatusReport): string {
  const tick = report.lastTick;
  const parts = [
    tick
      ? `${OK} last tick ${slackDate(tick.atMs / 1000)} (${seconds(tick.lagMs)} late)`
      : `${SLOW} no tick yet in this instance`,
  ];
  const d = report.digests;
  if (d.state === 'ok') {
    const { lastRun, nextPostAt, enabledSchedules } = d.value;
    parts.push(`${enabledSchedules} digest${enabledSchedules === 1 ? '' : 's'} on`);
    if (lastRun) {
      const error = lastRun.error ? `: ${escapeMrkdwn(truncate(lastRun.error, 200))}` : '';
      parts.push(
        `last digest ${lastRun.status} ${slackDate(lastRun.atMs / 1000)} in ${channelMention(lastRun.channelId)}${error}`,
      );
    } else {
      parts.push('no digest run yet');
    }
    if (nextPostAt) parts.push(`next ${slackDate(nextPostAt.getTime() / 1000)}`);
  } else if (d.state === 'timeout') {
    parts.push(notInTime(d, 'the store'));
  } else {
    parts.push(`${BAD} digests unreadable`);
  }
  return parts.join(' · ');
}

function channelMention(id: string): string {
  return /^[A-Z0-9]+$/.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

function field(label: string, text: string): KnownBlock {
  return { type: 'section', text: mrkdwnText(`*${label}*\n${text}`, LIMITS.text) };
}

/** The ephemeral `/crm status` answer: one line per check. */
export function buildStatusMessage(report: StatusReport): SlackMessage {
  const uptime = formatUptime(report.now.getTime() - report.startedAt.getTime());
  const healthy =
    report.agile.state === 'ok' && report.slack.state === 'ok' && report.store.migrations.state === 'ok';
  const summary = healthy ? `${OK} All checks passed` : `${SLOW} Some checks failed`;
  return {
    text: truncate(
      `Bot status: ${healthy ? 'all checks passed' : 'some checks failed'}`,
      LIMITS.fallbackText,
    ),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'CRM bot status', emoji: true } },
      { type: 'section', text: mrkdwnText(summary) },
      field('Agile CRM', agileLine(report.agile)),
      field('Slack', slackLine(report.slack)),
      field('Store', storeLine(report.store)),
      field('Digest scheduler', schedulerLine(report)),
      {
        type: 'context',
        elements: [mrkdwnText(`Version ${escapeMrkdwn(report.version)} · up ${uptime}`)],
      },
    ],
  };
}

export function buildStatusRefusal(): SlackMessage {
  return buildNotice(
    'info',
    'Only workspace admins and owners (and whoever installed the app) can use /crm status.',
  );
}
