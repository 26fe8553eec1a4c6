import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { openForm } from '../../platform/slack/form-flow.js';
import {
  buildNoteLoadingModal,
  buildNoteModal,
  buildNoteUnavailableModal,
  cardContactProblem,
} from './modal-views.js';
import type { NoteModalMeta } from './schema.js';
import { loadCardContact } from './use-case.js';

type CardArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Log note" on a contact card: open at once, fetch the contact, then show the form with it selected. */
export function cardLogNoteCallback(deps: Deps) {
  return async ({ ack, body, action, client }: CardArgs): Promise<void> => {
    await ack();
    const meta: NoteModalMeta = { channel: body.channel?.id, channelName: body.channel?.name };
    try {
      await openForm({
        client,
        logger: deps.logger,
        triggerId: body.trigger_id,
        loading: buildNoteLoadingModal(meta),
        fill: async () => {
          const found = await loadCardContact(deps, action.value ?? '');
          if (found.kind === 'found') return buildNoteModal({ meta, contact: found.contact });
          const problem = found.kind === 'failed' ? { reason: describeAgileError(found.error) } : found.kind;
          return buildNoteModal({ meta, error: cardContactProblem(problem) });
        },
        unavailable: buildNoteUnavailableModal,
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal from a card');
    }
  };
}
