import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { openForm } from '../../platform/slack/form-flow.js';
import {
  buildNoteLoadingModal,
  buildNoteModal,
  buildNoteUnavailableModal,
  type NoteModalData,
} from './modal-views.js';
import type { NoteModalMeta } from './schema.js';

/** Every Log note opener (command, card, shortcut): the loading view at once, then the form. */
export function openNoteForm(
  deps: Pick<Deps, 'logger'>,
  client: WebClient,
  triggerId: string,
  meta: NoteModalMeta,
  load: () => Promise<NoteModalData>,
): Promise<{ viewId: string }> {
  return openForm({
    client,
    logger: deps.logger,
    triggerId,
    loading: buildNoteLoadingModal(meta),
    fill: async () => buildNoteModal(await load()),
    unavailable: buildNoteUnavailableModal,
  });
}
