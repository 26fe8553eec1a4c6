import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { buildTicketOptions } from './modal-view.js';
import { OPTIONS_BUDGET_MS, ticketServiceFor } from './use-case.js';

/**
 * Ticket picker options load (block_suggestion): open tickets, newest first, matching what was
 * typed. Answered within ~2 s: from the cache when Agile is slower (Slack gives up after 3 s).
 */
export function ticketOptionsCallback(deps: Deps) {
  return async ({ ack, options }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const query = options.value ?? '';
    const { tickets, source } = await ticketServiceFor(deps).searchOpenTickets(query, OPTIONS_BUDGET_MS);
    if (source !== 'fresh') deps.logger.warn({ source }, 'ticket options answered without fresh CRM data');
    await ack(buildTicketOptions(tickets));
  };
}
