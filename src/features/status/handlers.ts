import type { CommandHandler } from '../../platform/slack/command-types.js';
import { checkStatus } from './use-case.js';
import { buildStatusMessage, buildStatusRefusal } from './views.js';

/** `/crm status` (workspace admins and owners): the bot's health, ephemeral. */
export const statusCommandHandler: CommandHandler<'status'> = async (_cmd, args, deps) => {
  const profile = await deps.slackUsers.profile(args.command.user_id);
  if (!profile.isAdmin) {
    await args.respond({ response_type: 'ephemeral', ...buildStatusRefusal() });
    return;
  }
  const report = await checkStatus(deps, { slackAuthTest: () => args.client.auth.test() });
  await args.respond({ response_type: 'ephemeral', ...buildStatusMessage(report) });
};
