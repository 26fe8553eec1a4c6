import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { confirmWithUndo } from '../undo/offer.js';
import { moveUndo } from '../undo/specs.js';
import { moveFailureOf, openMoveForm } from './handlers.js';
import { MoveError } from './move-deal.js';
import { quickMove } from './use-case.js';
import { buildMoveFailedMessage, buildQuickMoveMessage } from './views.js';

/** `/crm move`. */
export const openMoveModalFromCommand: ModalOpener = async ({ command, client }, deps) => {
  await openMoveForm(deps, { client, triggerId: command.trigger_id, channel: command.channel_id });
};

/** `… to Lost because <reason>`: the grammar splits at the last " to ", so the reason is taken first. */
export function splitReason(text: string): { deal: string; milestone: string; reason?: string } | undefined {
  const rest = text.replace(/^\s*move\s+/i, '');
  const because = /\s+because\s+/i.exec(rest);
  const head = because ? rest.slice(0, because.index) : rest;
  const reason = because ? rest.slice(because.index + because[0].length).trim() : undefined;
  const tos = [...head.matchAll(/\s+to\s+(?=\S)/giu)];
  const lastTo = tos.at(-1);
  if (!lastTo || lastTo.index === undefined) return undefined;
  const deal = head.slice(0, lastTo.index).trim();
  const milestone = head.slice(lastTo.index + lastTo[0].length).trim();
  if (!deal || !milestone) return undefined;
  return { deal, milestone, ...(reason ? { reason } : {}) };
}

/** `/crm move <deal id | deal name> to <milestone> [because <reason>]`: moves at once. */
export const moveCommandHandler: CommandHandler<'move'> = async (cmd, { command, respond }, deps) => {
  const split = splitReason(command.text ?? '');
  const milestone = split?.milestone ?? cmd.milestone;
  const reason = split?.reason;
  const dealText = split?.deal ?? (cmd.deal.kind === 'id' ? cmd.deal.id : cmd.deal.name);
  const actor = actorOfCommand(command);
  try {
    const outcome = await quickMove(deps, actor, { dealText, milestone, reason });
    const message = buildQuickMoveMessage(outcome);
    const undo = outcome.kind === 'moved' && !outcome.replayed ? moveUndo(outcome.result) : null;
    await respond({ response_type: 'ephemeral', ...(await confirmWithUndo(deps, actor, message, undo)) });
  } catch (err) {
    if (!(err instanceof MoveError)) deps.logger.warn({ err }, 'quick move failed');
    const typed = `/crm ${(command.text ?? '').trim()}`;
    await respond({
      response_type: 'ephemeral',
      ...buildMoveFailedMessage(moveFailureOf(err), milestone, typed),
    });
  }
};
