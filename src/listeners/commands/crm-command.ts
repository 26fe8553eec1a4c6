import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { buildHelpMessage } from '../../views/help.js';

export async function crmCommandCallback({
  ack,
  respond,
}: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  await ack();
  await respond({ response_type: 'ephemeral', ...buildHelpMessage() });
}
