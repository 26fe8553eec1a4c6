import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { runOnce } from '../../platform/store/run-once.js';
import { isEmail } from '../command/grammar.js';
import { createContactFromEmail, fetchActivity } from './use-case.js';
import { buildContactCreated } from './views.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Create contact (offered when a lookup by email found nobody; value = the email): checks again that
 * nobody has the email, creates the contact once per offer, and replaces the offer with its card.
 * The key is the offer's message, not the click: a second click on the same offer replays the first
 * result ("✅ Created contact") instead of finding the contact it just made and saying "already exists".
 * The owner is the clicking user's Agile user (same email), else Agile's default, the API user.
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
    const offerTs: string = body.container?.message_ts ?? body.message?.ts ?? action.action_ts;
    try {
      const outcome = await runOnce(
        deps.store,
        `create_contact:${offerTs}:${body.user.id}:${email.toLowerCase()}`,
        async () => {
          const ownerEmail = await agileEmailOf(deps, body.user.id);
          const { contact, created, ownerError } = await createContactFromEmail(deps.agile, email, {
            ownerEmail,
          });
          if (ownerError) deps.logger.warn({ err: ownerError }, 'Create contact: owner left as the API user');
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

/** The Agile user's email (as Agile spells it) of a Slack user, if they have one; never throws. */
async function agileEmailOf(deps: Deps, slackUserId: string): Promise<string | undefined> {
  try {
    const profile = await deps.slackUsers.profile(slackUserId);
    return (await deps.owners.byEmail(profile.email))?.email;
  } catch (err) {
    deps.logger.warn({ err }, 'Create contact: could not find the clicking user in the CRM');
    return undefined;
  }
}
