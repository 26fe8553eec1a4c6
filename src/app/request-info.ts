import { randomBytes } from 'node:crypto';
import { parseCrmCommand } from '../features/command/grammar.js';
import type { SlackSurface } from '../platform/metrics.js';
import type { RequestContext } from '../platform/request-context.js';
import type { ReceiptContext } from '../platform/slack/create-app.js';

/** The fields of Slack's request bodies read here (commands, interactions, events). */
interface SlackBody {
  type?: string;
  command?: string;
  text?: string;
  event_id?: string;
  trigger_id?: string;
  team_id?: string;
  user_id?: string;
  callback_id?: string;
  action_id?: string;
  team?: { id?: string } | null;
  user?: { id?: string };
  actions?: { action_id?: string }[];
  view?: { callback_id?: string };
  event?: { type?: string; user?: string };
}

/**
 * Where a request came in and which registered id (or `/crm` sub-command) it is: the labels of
 * crm_slack_requests_total. Only requests a registered listener matched get here, so ids stay few.
 */
export function describeRequest(raw: unknown): { surface: SlackSurface; id: string } {
  const body = (raw ?? {}) as SlackBody;
  if (typeof body.command === 'string') {
    const cmd = parseCrmCommand(body.text ?? '');
    return { surface: 'command', id: cmd.kind === 'modal' ? `modal:${cmd.modal}` : cmd.kind };
  }
  switch (body.type) {
    case 'block_actions':
      return { surface: 'action', id: body.actions?.[0]?.action_id ?? 'unknown' };
    case 'block_suggestion':
      return { surface: 'options', id: body.action_id ?? 'unknown' };
    case 'view_submission':
    case 'view_closed':
      return { surface: 'view', id: body.view?.callback_id ?? 'unknown' };
    case 'shortcut':
    case 'message_action':
      return { surface: 'shortcut', id: body.callback_id ?? 'unknown' };
    default:
      return { surface: 'event', id: body.event?.type ?? body.type ?? 'unknown' };
  }
}

/**
 * The request's context for its logs: Slack's own id where the payload has one (an event's event_id,
 * else the interaction's trigger_id), else Slack's request timestamp and a random suffix.
 */
export function requestContextOf(
  raw: unknown,
  receipt: ReceiptContext,
  receivedAtMs: number,
): RequestContext {
  const body = (raw ?? {}) as SlackBody;
  const stamp = receipt.slackRequestTimestamp ?? String(Math.floor(receivedAtMs / 1000));
  const requestId = body.event_id ?? body.trigger_id ?? `${stamp}-${randomBytes(4).toString('hex')}`;
  const teamId = body.team_id ?? body.team?.id ?? undefined;
  const userId = body.user_id ?? body.user?.id ?? body.event?.user;
  return {
    requestId,
    receivedAtMs,
    ...(teamId ? { teamId } : {}),
    ...(userId ? { userId } : {}),
  };
}
