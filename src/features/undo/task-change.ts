import type { Task } from '../../platform/agile/index.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { confirmWithUndo, type UndoDeps } from './offer.js';
import { taskChangeOf, taskChangeUndo } from './specs.js';
import { buildTaskChangedMessage } from './views.js';

/** A task change as the digest and App Home report it. */
export interface AppliedTaskChange {
  change:
    | { kind: 'complete' }
    | { kind: 'snooze'; newDueEpochSec: number; fromDueEpochSec?: number }
    | { kind: 'reassign'; owner: { id: string; name?: string; email?: string } };
  task: { id: string; subject: string; dueEpochSec: number };
  before: Task | null;
  /** The change's idempotency key (and digest action key): released by a successful Undo. */
  key?: string;
  /** The digest message clicked, as it was before the click: its line is put back after an Undo. */
  digestMessage?: { channel: string; ts: string; text: string; blocks: unknown[] };
}

/** The private confirmation of a digest / App Home task change, with its Undo when one is possible. */
export function confirmTaskChange(
  deps: UndoDeps,
  actor: Actor,
  applied: AppliedTaskChange,
): Promise<SlackMessage> {
  const change = taskChangeOf(applied.change);
  const ownerName =
    applied.change.kind === 'reassign' ? applied.change.owner.name || applied.change.owner.email : undefined;
  const message = buildTaskChangedMessage(applied.task, change, ownerName);
  const spec = taskChangeUndo(applied.task, applied.before, change);
  if (spec && applied.key) spec.refs.onceKey = applied.key;
  if (spec && applied.digestMessage)
    spec.previous = { ...spec.previous, digestMessage: applied.digestMessage };
  return confirmWithUndo(deps, actor, message, spec);
}
