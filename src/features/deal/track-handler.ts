import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { ownerChoices, readDealMetadata, tracksFor } from './command-handler.js';
import { buildDealModal } from './modal-view.js';
import { readDealForm } from './submit-handler.js';

/**
 * The track changed in the Create deal modal: the milestone select now holds exactly that track's
 * milestones; everything typed so far is rebuilt from view.state as initial values.
 */
export function trackSelectCallback(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    if (!view) return;
    try {
      const meta = readDealMetadata(view.private_metadata);
      const [tracks, owners] = await Promise.all([tracksFor(meta, deps), ownerChoices(deps)]);
      const values = readDealForm(view.state.values, tracks);
      const track = tracks.find((t) => t.id === values.trackId);
      if (track && (!values.milestone || !track.milestones.includes(values.milestone))) {
        values.milestone = track.milestones[0];
      }
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: buildDealModal({ tracks, owners, values, metadata: view.private_metadata }),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not reload milestones after a track change');
    }
  };
}
