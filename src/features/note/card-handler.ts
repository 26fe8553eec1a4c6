import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { cardContactProblem } from './modal-views.js';
import { openNoteForm } from './open-note-form.js';
import type { NoteModalMeta } from './schema.js';
import { loadCardContact } from './use-case.js';

type CardArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Log note" on a contact card: open at once, fetch the contact, then show the form with it selected. */
export function cardLogNoteCallback(deps: Deps) {
  return async ({ ack, body, action, client }: CardArgs): Promise<void> => {
    await ack();
    const meta: NoteModalMeta = { channel: body.channel?.id, channelName: body.channel?.name };
    try {
      await openNoteForm(deps, client, body.trigger_id, meta, async () => {
        const found = await loadCardContact(deps, action.value ?? '');
        if (found.kind === 'found') return { meta, contact: found.contact };
        const problem = found.kind === 'failed' ? { reason: describeAgileError(found.error) } : found.kind;
        return { meta, error: cardContactProblem(problem) };
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal from a card');
    }
  };
}
