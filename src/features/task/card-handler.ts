import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { buildNotice } from '../../platform/slack/message.js';
import { openTaskModal } from './command-handler.js';

type CardArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** "Create task" on a contact card (value = contact id): the Create task modal, prefilled with that contact. */
export function cardCreateTaskCallback(deps: Deps) {
  return async ({ ack, body, action, client, respond }: CardArgs): Promise<void> => {
    await ack();
    const contactId =
      action.type === 'button' && action.value && /^\d{1,20}$/.test(action.value) ? action.value : undefined;
    try {
      await openTaskModal(deps, {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
        ...(contactId ? { contactId } : {}),
      });
    } catch (err) {
      deps.logger.error({ err }, 'could not open the task modal from a card');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildNotice('error', 'Sorry, the task form could not be opened — try again, or use /crm task.'),
      }).catch((e: unknown) => deps.logger.error({ err: e }, 'could not report the failure to the user'));
    }
  };
}
