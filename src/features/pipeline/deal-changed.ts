import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { type DealSummary, dealDirectoryFor } from './deals.js';

/**
 * After the bot created or moved a deal: it comes first in the user's deal picker (with its new
 * milestone, before Agile's listing catches up), then the confirmation goes to them.
 */
export async function confirmDealChanged(
  deps: Deps,
  client: WebClient,
  target: { user: string; channel?: string },
  deal: Pick<DealSummary, 'id' | 'name' | 'milestone' | 'value'>,
  confirmation: SlackMessage,
): Promise<void> {
  dealDirectoryFor(deps.agile, deps.now).touched(target.user, deal);
  await notifyUser(client, deps.logger, target, confirmation);
}
