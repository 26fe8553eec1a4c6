import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { actorOfBody, actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { crmChannelCheck } from '../access/external-channel.js';
import { externalChannelRefusalWords } from '../access/views.js';
import {
  ChannelUnavailableError,
  type FollowOutcome,
  matchFollows,
  refOfFollow,
  resolveRecord,
  startFollowing,
  stopFollowing,
} from './use-case.js';
import { buildFollowChoices, buildFollowingList, recordName } from './views.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const channelOf = (body: BlockAction) => body.channel?.id ?? body.container?.channel_id;

function followedNotice(deps: Deps, outcome: FollowOutcome): SlackMessage | null {
  if (outcome.kind === 'followed') return null; // the announcement in the channel says it
  const name = recordName(refOfFollow(deps, outcome.follow));
  const text = `This channel already follows ${name}: its updates go to the thread started when it was followed.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

function failureNotice(err: unknown, what: string): SlackMessage {
  if (err instanceof ChannelUnavailableError) {
    return buildNotice(
      'error',
      `I can't post in this channel (${err.code}), so ${what} is not followed. Invite me with /invite and try again.`,
    );
  }
  return buildNotice('error', `Could not follow ${what}: ${describeAgileError(err)}`);
}

/** Listing this channel's follows (the command and the Unfollow button share it). */
async function followingList(deps: Deps, teamId: string, channelId: string): Promise<SlackMessage> {
  const follows = await deps.store.follows.listForChannel(teamId, channelId);
  return buildFollowingList(follows.map((f) => ({ id: f.id, ref: refOfFollow(deps, f) })));
}

/** `/crm follow <deal name | deal id | email | ticket id>` in a channel. */
export const followCommandHandler: CommandHandler<'follow'> = async (cmd, { command, respond }, deps) => {
  const typed = (command.text ?? '').replace(/^\s*follow\s+/i, '').trim();
  // Slack marks a command typed in a channel shared with another organisation (not in Bolt's types);
  // else Slack is asked. When it will not say, the follow goes ahead: its first post tells.
  const marked = (command as unknown as Record<string, unknown>).is_ext_shared_channel;
  const check = await crmChannelCheck(deps.settings, deps.slackClient, command.channel_id, marked);
  if (check.kind === 'external') {
    await respond({
      response_type: 'ephemeral',
      ...buildNotice('info', externalChannelRefusalWords('CRM updates')),
    });
    return;
  }
  try {
    const resolved = await resolveRecord(deps, cmd.target);
    if (resolved.kind === 'not_found') {
      await respond({ response_type: 'ephemeral', ...buildNotice('info', resolved.message) });
      return;
    }
    if (resolved.kind === 'ambiguous') {
      await respond({ response_type: 'ephemeral', ...buildFollowChoices(resolved.typed, resolved.deals) });
      return;
    }
    const outcome = await startFollowing(deps, actorOfCommand(command), command.channel_id, resolved.ref);
    const notice = followedNotice(deps, outcome);
    if (notice) await respond({ response_type: 'ephemeral', ...notice });
  } catch (err) {
    if (!(err instanceof ChannelUnavailableError)) deps.logger.warn({ err }, '/crm follow failed');
    await respond({ response_type: 'ephemeral', ...failureNotice(err, `“${typed}”`) });
  }
};

/** `/crm unfollow <same as follow>`: matched against this channel's follows. */
export const unfollowCommandHandler: CommandHandler<'unfollow'> = async (cmd, { command, respond }, deps) => {
  const actor = actorOfCommand(command);
  const typed = (command.text ?? '').replace(/^\s*unfollow\s+/i, '').trim();
  const matches = await matchFollows(deps, actor, command.channel_id, cmd.target);
  if (matches.length === 0) {
    await respond({
      response_type: 'ephemeral',
      ...buildNotice(
        'info',
        `This channel does not follow “${typed}”. /crm following lists what it follows.`,
      ),
    });
    return;
  }
  if (matches.length > 1) {
    await respond({
      response_type: 'ephemeral',
      ...(await followingList(deps, actor.teamId, command.channel_id)),
    });
    return;
  }
  const follow = matches[0];
  if (!follow) return;
  await stopFollowing(deps, follow, actor.userId);
  const name = recordName(refOfFollow(deps, follow));
  const text = `Stopped following ${name} in this channel.`;
  await respond({
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `✅ ${text}`, verbatim: true } }],
  });
};

/** `/crm following`: this channel's follows with Unfollow buttons. */
export const followingCommandHandler: CommandHandler<'following'> = async (
  _cmd,
  { command, respond },
  deps,
) => {
  await respond({
    response_type: 'ephemeral',
    ...(await followingList(deps, command.team_id, command.channel_id)),
  });
};

/** "Follow this one" after a name matched several deals. */
export function followPickCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const dealId = (action as ButtonAction).value ?? '';
    const channelId = channelOf(body);
    if (!channelId || !/^\d+$/.test(dealId)) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildNotice('error', 'That button is out of date: run the command again.'),
      });
      return;
    }
    try {
      const resolved = await resolveRecord(deps, { kind: 'id', id: dealId, hint: 'deal' });
      if (resolved.kind !== 'found') {
        await respond({
          response_type: 'ephemeral',
          replace_original: true,
          ...buildNotice('info', resolved.kind === 'not_found' ? resolved.message : 'That deal is gone.'),
        });
        return;
      }
      const outcome = await startFollowing(deps, actorOfBody(body), channelId, resolved.ref);
      const name = recordName(resolved.ref);
      const text =
        outcome.kind === 'followed'
          ? `Following ${name} here: its updates go in the thread.`
          : `This channel already follows ${name}.`;
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `✅ ${text}`, verbatim: true } }],
      });
    } catch (err) {
      if (!(err instanceof ChannelUnavailableError))
        deps.logger.warn({ err }, 'follow after a choice failed');
      // A new message: the choices stay, so another deal can still be picked.
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...failureNotice(err, `deal ${dealId}`),
      });
    }
  };
}

/** Unfollow in `/crm following`: ends that follow and redraws the list. */
export function unfollowCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const channelId = channelOf(body);
    const follow = await deps.store.follows.get((action as ButtonAction).value ?? '');
    // Someone else's channel or team never matches: the id alone is not enough.
    if (follow && follow.teamId === actor.teamId && follow.channelId === channelId) {
      await stopFollowing(deps, follow, actor.userId);
    }
    if (!channelId) return;
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...(await followingList(deps, actor.teamId, channelId)),
    });
  };
}
