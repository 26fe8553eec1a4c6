import type { CommandHandler } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { lookupContacts } from './use-case.js';
import { buildLookupNotFoundMessage, buildLookupResultsMessage } from './views.js';

/**
 * `/crm lookup <email | phone | name words>`: ephemeral contact cards. A failure says why in the CRM's
 * words and quotes the query back, so nothing typed is lost.
 */
export const lookupCommandHandler: CommandHandler<'lookup'> = async (cmd, { respond }, deps) => {
  try {
    const result = await lookupContacts(deps.agile, cmd.target, { now: deps.now });
    const message =
      result.kind === 'found'
        ? buildLookupResultsMessage(cmd.query, result.cards, result.counts)
        : buildLookupNotFoundMessage(cmd.query, result.email);
    await respond({ response_type: 'ephemeral', ...message });
  } catch (err) {
    deps.logger.warn({ err, queryKind: cmd.target.kind }, '/crm lookup failed');
    await respond({
      response_type: 'ephemeral',
      ...buildNotice('error', `Could not look up "${cmd.query}": ${describeAgileError(err)}`),
    });
  }
};
