import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { getFullName } from '../../platform/agile/index.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import { writeFailureWords } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { isEmail } from '../../platform/text.js';
import { confirmWithUndo } from '../undo/offer.js';
import { contactCreateUndo } from '../undo/specs.js';
import { createContactFromOffer } from './use-case.js';
import { buildContactCreatedMessage } from './views.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Create contact (offered when a lookup by email found nobody; value = the email): creates it once per
 * offer and replaces the offer with its card. The owner is the clicking user's Agile user (same email),
 * else Agile's default, the API user.
 */
export function createContactCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const email = (action.value ?? '').trim();
    const tellError = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...buildNotice('error', text) });
    if (!isEmail(email)) {
      await tellError(`"${email}" is not an email I can create a contact from.`);
      return;
    }
    const actor = actorOfBody(body);
    try {
      const outcome = await createContactFromOffer(deps, {
        ...actor,
        channel: body.container?.channel_id ?? body.channel?.id ?? '',
        offerTs: body.container?.message_ts ?? body.message?.ts ?? action.action_ts,
        email,
      });
      if (outcome.status === 'in_progress') {
        deps.logger.info('Create contact: a repeated click; the first one answers');
        return;
      }
      const { contact } = outcome.card;
      const undo =
        outcome.created && !outcome.replayed
          ? contactCreateUndo(contact, getFullName(contact) ?? email)
          : null;
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        ...(await confirmWithUndo(
          deps,
          actor,
          buildContactCreatedMessage(outcome.card, outcome.created),
          undo,
        )),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'Create contact failed');
      // Clicking again is safe after an unknown outcome: Create contact searches the email first.
      await tellError(
        writeFailureWords(
          err,
          `Could not create the contact ${email}`,
          `The contact ${email} may have been created`,
        ),
      );
    }
  };
}
