import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { buildContactOptions } from './picker-view.js';

/** Slack drops an options load after 3 s and users feel anything over ~1 s: past this, answer from cache. */
export const OPTIONS_BUDGET_MS = 1200;

/** Contact picker options load (block_suggestion): ranked matches for what the user typed. */
export function contactOptionsCallback(deps: Deps) {
  return async ({ ack, options }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const query = options.value ?? '';
    const { choices, complete } = await deps.contactSearch.searchWithin(query, OPTIONS_BUDGET_MS);
    if (!complete)
      deps.logger.warn({ queryLength: query.length }, 'contact options answered from cache (CRM slow)');
    await ack(buildContactOptions(choices));
  };
}
