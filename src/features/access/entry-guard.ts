import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { type EntryRefusal, payloadEntryRefusal, profileEntryRefusal } from './policy.js';
import { buildEntryRefusalMessage, buildEntryRefusalModal } from './views.js';

/** The most a profile lookup may take before the ack (the cached answer takes microseconds). */
export const PROFILE_BUDGET_MS = 1000;

/** The fields of Slack's request bodies the guard reads (commands, interactions, events). */
interface GuardBody {
  type?: string;
  command?: string;
  team_id?: string;
  team_domain?: string;
  user_id?: string;
  /** Slash commands from a Slack Connect channel: the user's home team. */
  user_team?: string;
  trigger_id?: string;
  response_url?: string;
  team?: { id?: string; domain?: string } | null;
  user?: { id?: string; team_id?: string };
  view?: { blocks?: { type?: string; block_id?: string }[] };
  event?: { user?: string | { id?: string }; user_team?: string };
}

/** Who is asking, from the payload: their id, the teams it names for them, and the request's team. */
export interface Asker {
  userId: string;
  requestTeamId: string;
  userTeamIds: (string | undefined)[];
  /** The workspace's domain, for "members of <workspace> only". */
  workspace: string | undefined;
}

export function askerOf(raw: unknown, deps: Pick<Deps, 'teamId'>): Asker | undefined {
  const body = (raw ?? {}) as GuardBody;
  const eventUser = body.event?.user;
  const userId = body.user_id ?? body.user?.id ?? (typeof eventUser === 'string' ? eventUser : eventUser?.id);
  if (!userId) return undefined;
  return {
    userId,
    requestTeamId: deps.teamId || body.team_id || body.team?.id || '',
    userTeamIds: [body.user_team, body.user?.team_id, body.event?.user_team],
    workspace: body.team_domain ?? body.team?.domain,
  };
}

export interface Refused {
  reason: EntryRefusal;
  workspace: string | undefined;
}

/**
 * The entry rule of every listener: another organisation's users (Slack Connect) and, unless the
 * workspace allows them, guests are refused. The payload is checked first (no I/O); then the user's
 * profile (users.info, cached 15 minutes). When Slack cannot be asked (or takes over PROFILE_BUDGET_MS),
 * the payload check stands alone.
 */
export async function entryRefusal(
  deps: Pick<Deps, 'teamId' | 'settings' | 'slackUsers' | 'logger'>,
  raw: unknown,
): Promise<Refused | undefined> {
  const asker = askerOf(raw, deps);
  if (!asker) return undefined;
  const fromPayload = payloadEntryRefusal(asker.requestTeamId, asker.userTeamIds);
  if (fromPayload) return { reason: fromPayload, workspace: asker.workspace };
  // Before the ack: a slow users.info (rate limited) must not cost the user Slack's 3 s.
  const profile = await within(deps.slackUsers.profile(asker.userId), PROFILE_BUDGET_MS);
  if (profile === TIMEOUT) {
    deps.logger.warn({ userId: asker.userId }, 'users.info too slow for the entry check; payload check only');
    return undefined;
  }
  const reason = profileEntryRefusal(asker.requestTeamId, profile, deps.settings);
  return reason ? { reason, workspace: asker.workspace } : undefined;
}

/** What a guarded listener receives, as far as refusing goes. */
export interface RefusableArgs {
  ack?: (answer?: unknown) => Promise<void>;
  body: unknown;
  respond?: (message: unknown) => Promise<unknown>;
  client?: WebClient;
}

/**
 * Answers a refused request in the way its surface allows, and nothing else (no CRM read, no write):
 * a command → ephemeral in the ack; a button → ephemeral through response_url; a form submission → the
 * refusal under its first input (or the modal closed); an options load → no options; a shortcut → a
 * small modal; an event → nothing.
 */
export async function answerRefusal(
  deps: Pick<Deps, 'logger'>,
  args: RefusableArgs,
  refused: Refused,
): Promise<void> {
  await answerBlocked(
    deps,
    args,
    buildEntryRefusalMessage(refused.reason, refused.workspace),
    buildEntryRefusalModal(refused.reason, refused.workspace),
  );
}

/**
 * Answers a request that will not reach its listener (refused, workspace not connected) with `message`
 * (or `modal` for a shortcut), in the way its surface allows, and nothing else.
 */
export async function answerBlocked(
  deps: Pick<Deps, 'logger'>,
  args: RefusableArgs,
  message: SlackMessage,
  modal: ModalView,
): Promise<void> {
  const body = (args.body ?? {}) as GuardBody;
  const ack = args.ack ?? (async () => undefined);
  const fail = (err: unknown) => deps.logger.warn({ err }, 'could not tell a refused user why');
  if (typeof body.command === 'string') {
    await ack({ response_type: 'ephemeral', ...message });
    return;
  }
  switch (body.type) {
    case 'block_actions':
      await ack();
      if (body.response_url && args.respond) {
        await args.respond({ response_type: 'ephemeral', replace_original: false, ...message }).catch(fail);
      }
      return;
    case 'view_submission': {
      const input = body.view?.blocks?.find((b) => b.type === 'input' && b.block_id);
      await ack(
        input?.block_id
          ? { response_action: 'errors', errors: { [input.block_id]: message.text.slice(0, 300) } }
          : { response_action: 'clear' },
      );
      return;
    }
    case 'block_suggestion':
      await ack({ options: [] });
      return;
    case 'shortcut':
    case 'message_action':
      await ack();
      if (body.trigger_id && args.client) {
        await args.client.views
          .open({
            trigger_id: body.trigger_id,
            view: modal,
          })
          .catch(fail);
      }
      return;
    default:
      // view_closed, events: acknowledged (when the surface has an ack) and nothing more.
      await ack();
  }
}
