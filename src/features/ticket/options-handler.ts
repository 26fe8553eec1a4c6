import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { buildTicketOptions } from './modal-views.js';
import { findOpenTickets } from './use-case.js';

/**
 * Ticket picker options load (block_suggestion): open tickets, newest first, matching what was
 * typed. Answered within ~2 s: from the cache when Agile is slower (Slack gives up after 3 s).
 */
export function ticketOptionsCallback(deps: Deps) {
  return async ({ ack, options }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const { tickets, source } = await findOpenTickets(deps, options.value ?? '');
    if (source !== 'fresh') deps.logger.warn({ source }, 'ticket options answered without fresh CRM data');
    await ack(buildTicketOptions(tickets));
  };
}
