import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeAgileError } from '../../agile/index.js';
import { isEmail } from '../../commands/crm-grammar.js';
import type { Deps } from '../../deps.js';
import { createContactFromEmail, fetchActivity } from '../../services/lookup.js';
import { runOnce } from '../../services/run-once.js';
import { buildContactCreated } from '../../views/lookup-results.js';
import { buildNotice } from '../../views/message.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Create contact (offered when a lookup by email found nobody; value = the email): checks again that
 * nobody has the email, creates the contact once per click, and replaces the offer with its card.
 */
export function createContactCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const email = (action.value ?? '').trim();
    if (!isEmail(email)) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildNotice('error', `"${email}" is not an email I can create a contact from.`),
      });
      return;
    }
    try {
      const outcome = await runOnce(
        deps.store,
        `create_contact:${action.action_ts}:${body.user.id}`,
        async () => {
          const { contact, created } = await createContactFromEmail(deps.agile, email);
          return { contactId: contact.id, created };
        },
      );
      if (outcome.status === 'in_progress') return; // the first click answers
      const contact = await deps.agile.contacts.get(outcome.result.contactId);
      if (!contact) throw new Error('the new contact could not be read back');
      const card = { contact, activity: await fetchActivity(deps.agile, contact.id, deps.now) };
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        ...buildContactCreated(card, outcome.result.created),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'Create contact failed');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildNotice('error', `Could not create the contact ${email}: ${describeAgileError(err)}`),
      });
    }
  };
}
