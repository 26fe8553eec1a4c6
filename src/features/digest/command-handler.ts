import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
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
  const outcome = await runDigestCommand(deps, actor, cmd.args, renderDigestNow);
  await args.respond({ response_type: 'ephemeral', ...buildDigestCommandReply(outcome) });
};
