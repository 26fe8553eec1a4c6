import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { openDealModal } from './command-handler.js';

/** Contact card "Create deal": the Create deal modal with that contact filled in (value = contact id). */
export function cardCreateDealCallback(deps: Deps) {
  return async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    try {
      await openDealModal(
        {
          client,
          triggerId: body.trigger_id,
          userId: body.user.id,
          channel: body.channel?.id ?? body.container?.channel_id,
          contactId: (action as ButtonAction).value,
        },
        deps,
      );
    } catch (err) {
      deps.logger.error({ err }, 'could not open the Create deal modal');
    }
  };
}
