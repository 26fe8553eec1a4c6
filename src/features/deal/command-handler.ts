import type { ModalOpener } from '../../platform/slack/command-types.js';
import { openDealForm } from './handlers.js';

/** `/crm deal`. */
export const openDealModalFromCommand: ModalOpener = async ({ command, client }, deps) => {
  await openDealForm(deps, {
    client,
    triggerId: command.trigger_id,
    userId: command.user_id,
    channel: command.channel_id,
  });
};
