import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { OPTIONS_BUDGET_MS } from '../contacts/handlers.js';
import { dealDirectoryFor } from '../pipeline/deals.js';
import { buildDealOptions } from './modal-view.js';

/**
 * Deal picker options load (block_suggestion): deals by name, the user's recent and own first.
 * Within Slack's 3 s whatever the CRM does: answered from the cached list when it is slow.
 */
export function dealOptionsCallback(deps: Deps) {
  return async ({
    ack,
    body,
    options,
  }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const query = options.value ?? '';
    const userId = body.user.id;
    const dir = dealDirectoryFor(deps.agile, deps.now);
    // The user's Agile id ranks their deals first; it is cached, and never worth waiting for.
    let ownerId: string | undefined;
    deps.slackUsers
      .profile(userId)
      .then(async (p) => (await deps.owners.byEmail(p.email)) ?? (await deps.owners.apiUser()))
      .then((u) => {
        ownerId = u?.id;
      })
      .catch(() => undefined);
    const { deals, complete } = await dir.searchWithin(query, OPTIONS_BUDGET_MS, () => ({
      ownerId,
      recentIds: dir.recentFor(userId),
    }));
    if (!complete)
      deps.logger.warn({ queryLength: query.length }, 'deal options answered from cache (CRM slow)');
    await ack(buildDealOptions(deals));
  };
}
