import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { withinMs } from '../../platform/within.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { buildNoteLoadingView, buildNoteModal, type NoteModalMeta } from './modal-view.js';

type CardArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Past this the form opens without the contact preselected (the user can still pick it). */
export const CARD_CONTACT_BUDGET_MS = 2500;

/** "Log note" on a contact card: open at once, fetch the contact, then show the form with it selected. */
export function cardLogNoteCallback(deps: Deps) {
  return async ({ ack, body, action, client }: CardArgs): Promise<void> => {
    await ack();
    const contactId = action.value ?? '';
    const meta: NoteModalMeta = { channel: body.channel?.id, channelName: body.channel?.name };
    let opened: { id: string; hash?: string } | undefined;
    try {
      const res = await client.views.open({ trigger_id: body.trigger_id, view: buildNoteLoadingView(meta) });
      if (res.view?.id) opened = { id: res.view.id, hash: res.view.hash };
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal from a card');
      return;
    }
    if (!opened) return;
    let contact: ContactChoice | undefined;
    let error: string | undefined;
    try {
      const found = /^\d+$/.test(contactId)
        ? await withinMs(deps.agile.contacts.get(contactId), CARD_CONTACT_BUDGET_MS)
        : null;
      if (found) contact = toChoice(found);
      else if (found === null) error = 'That contact is no longer in the CRM — pick one below.';
      else error = 'The CRM is slow to answer — pick the contact below.';
    } catch (err) {
      error = `Could not load the contact (${describeAgileError(err)}) — pick it below.`;
    }
    await client.views
      .update({ view_id: opened.id, hash: opened.hash, view: buildNoteModal({ meta, contact, error }) })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not fill the Log note modal'));
  };
}
