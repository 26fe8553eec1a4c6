import type { KnownBlock } from '@slack/types';
import type { Logger } from 'pino';
import type { Actor } from '../../platform/slack/actor.js';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import type { Store } from '../../platform/store/index.js';
import type { UndoSpec } from './kinds.js';

/** How long the author of a write may undo it. */
export const UNDO_WINDOW_MS = 10 * 60_000;
/** The block the Undo button sits in: removed when the undo is done, refused or too late. */
export const UNDO_BLOCK_ID = 'undo';
const MAX_BLOCKS = 50;

export type UndoDeps = { store: Pick<Store, 'undoActions'>; logger: Logger };

/**
 * Records what an Undo of this write needs, open for UNDO_WINDOW_MS; resolves to the undo's id, or null
 * when it could not be recorded (the confirmation then goes without the button: the write stands).
 */
export async function offerUndo(deps: UndoDeps, actor: Actor, spec: UndoSpec | null): Promise<string | null> {
  if (!spec) return null;
  try {
    const action = await deps.store.undoActions.record({
      teamId: actor.teamId,
      userId: actor.userId,
      kind: spec.kind,
      refs: { ...spec.refs, label: spec.label },
      previous: spec.previous,
      fingerprint: spec.fingerprint,
      ttlMs: UNDO_WINDOW_MS,
    });
    return action.id;
  } catch (err) {
    deps.logger.warn({ err, kind: spec.kind }, 'could not record the undo: the confirmation goes without it');
    return null;
  }
}

/** The Undo button block for a confirmation. */
export function undoBlock(undoId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: UNDO_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: ACTION.undoWrite,
        text: { type: 'plain_text', text: '↩️ Undo', emoji: true },
        value: undoId,
        accessibility_label: 'Undo this change (for 10 minutes)',
      },
    ],
  };
}

/** The confirmation with an Undo button under it (unchanged when there is no undo or no room). */
export function withUndo<M extends SlackMessage>(message: M, undoId: string | null): M {
  if (!undoId || message.blocks.length >= MAX_BLOCKS) return message;
  return { ...message, blocks: [...message.blocks, undoBlock(undoId)] };
}

/** Records the undo and adds its button: the one call a confirmation makes. */
export async function confirmWithUndo<M extends SlackMessage>(
  deps: UndoDeps,
  actor: Actor,
  message: M,
  spec: UndoSpec | null,
): Promise<M> {
  return withUndo(message, await offerUndo(deps, actor, spec));
}

/** The undo id a confirmation carries (its Undo button's value), if any. */
export function undoIdOf(blocks: readonly KnownBlock[]): string | null {
  const block = blocks.find((b) => b.block_id === UNDO_BLOCK_ID);
  if (block?.type !== 'actions') return null;
  const button = block.elements[0];
  return button && button.type === 'button' ? (button.value ?? null) : null;
}
