import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
import { crmChannelCheck } from '../access/external-channel.js';
import { type RenderDigest, runDigestCommand } from './command-use-case.js';
import { buildDigestCommandReply, describeStoredSettings } from './reply-views.js';
import { buildDigestMessages } from './views.js';

/** `/crm digest now` shows the channel's schedule under the counts; the scheduled digest does not. */
const renderDigestNow: RenderDigest = (digest, schedule) =>
  buildDigestMessages(digest.model, {
    mentions: digest.mentions,
    ...(schedule ? { scheduleLabel: describeStoredSettings(schedule) } : {}),
  });

/** `/crm digest on|off|status|now`: answers are ephemeral. */
export const digestCommandHandler: CommandHandler<'digest'> = async (cmd, args, deps) => {
  const { command } = args;
  const actor = { ...actorOfCommand(command), channelId: command.channel_id };
  // Slack marks a command typed in a channel shared with another organisation (not in Bolt's types).
  const marked = (command as unknown as Record<string, unknown>).is_ext_shared_channel;
  const outcome = await runDigestCommand(deps, actor, cmd.args, renderDigestNow, () =>
    crmChannelCheck(deps.settings, deps.slackClient, command.channel_id, marked),
  );
  await args.respond({ response_type: 'ephemeral', ...buildDigestCommandReply(outcome) });
};
