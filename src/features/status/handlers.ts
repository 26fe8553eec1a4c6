import type { CommandHandler } from '../../platform/slack/command-types.js';
import { isWorkspaceAdmin } from '../access/admin.js';
import { checkStatus } from './use-case.js';
import { buildStatusMessage, buildStatusRefusal } from './views.js';

/** `/crm status` (workspace admins and owners, and the installer): the bot's health, ephemeral. */
export const statusCommandHandler: CommandHandler<'status'> = async (_cmd, args, deps) => {
  if (!(await isWorkspaceAdmin(deps, args.command.user_id))) {
    await args.respond({ response_type: 'ephemeral', ...buildStatusRefusal() });
    return;
  }
  const report = await checkStatus(deps, { slackAuthTest: () => args.client.auth.test() });
  await args.respond({ response_type: 'ephemeral', ...buildStatusMessage(report) });
};
