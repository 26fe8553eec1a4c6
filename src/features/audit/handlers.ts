import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
import { exportAuditTrail } from './use-case.js';
import {
  auditFileComment,
  buildAuditEmptyMessage,
  buildAuditRefusedMessage,
  buildAuditSentMessage,
  buildAuditUploadFailedMessage,
} from './views.js';

/**
 * `/crm audit [days N] [user @someone]` (admins): the CSV goes to the admin's own DM with the bot,
 * never to the channel the command was typed in; the answer here is ephemeral.
 */
export const auditCommandHandler: CommandHandler<'audit'> = async (
  cmd,
  { command, client, respond },
  deps,
) => {
  const outcome = await exportAuditTrail(deps, {
    ...actorOfCommand(command),
    days: cmd.days,
    filterUserId: cmd.userId,
  });
  const retention = deps.audit.retentionDays;
  if (outcome.kind === 'refused') {
    await respond({ response_type: 'ephemeral', ...buildAuditRefusedMessage() });
    return;
  }
  if (outcome.kind === 'empty') {
    await respond({ response_type: 'ephemeral', ...buildAuditEmptyMessage(outcome, retention) });
    return;
  }
  try {
    const dm = await client.conversations.open({ users: command.user_id });
    const channelId = dm.channel?.id;
    if (!channelId) throw new Error('conversations.open gave no channel');
    await client.files.uploadV2({
      channel_id: channelId,
      filename: outcome.filename,
      title: outcome.filename,
      content: outcome.csv,
      initial_comment: auditFileComment(outcome),
    });
  } catch (err) {
    deps.logger.warn({ err }, '/crm audit: could not upload the CSV');
    const code = (err as { data?: { error?: unknown } }).data?.error;
    const reason = typeof code === 'string' ? `Slack answered ${code}` : 'Slack did not take the file';
    await respond({ response_type: 'ephemeral', ...buildAuditUploadFailedMessage(reason) });
    return;
  }
  await respond({ response_type: 'ephemeral', ...buildAuditSentMessage(outcome, retention) });
};
