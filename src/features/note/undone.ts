import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../platform/slack/actor.js';
import { unmarkMessageLogged } from './use-case.js';

/**
 * After the Undo of a note logged from a message: that message is no longer logged to the contact
 * (the form would otherwise refuse it as "already logged", linking a deleted note), and the bot's 📝
 * goes once no contact has the message logged. The key it was logged under is forgotten by the undo
 * itself (its `onceKey`, see noteUndo). Never throws.
 */
export async function forgetUndoneMessageNote(
  deps: Pick<Deps, 'store' | 'slackClient' | 'logger'>,
  _actor: Actor,
  undone: { kind: string; refs: Record<string, string> },
): Promise<void> {
  if (undone.kind !== 'note.create') return;
  const { contactId, noteId, messageChannel, messageTs } = undone.refs;
  if (!contactId || !noteId || !messageChannel || !messageTs) return;
  const message = { channel: messageChannel, ts: messageTs };
  try {
    const { remaining } = await deps.store.loggedMessages.forget({ ...message, contactId, noteId });
    if (remaining === 0) await unmarkMessageLogged(deps.slackClient, deps.logger, message);
  } catch (err) {
    deps.logger.warn({ err, channel: messageChannel }, 'could not forget the log of an undone note');
  }
}
