import type { Deps } from '../../app/deps.js';
import type { CommandArgs, CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { auditCommandHandler } from '../audit/handlers.js';
import { connectCommandHandler, disconnectCommandHandler } from '../connect/handlers.js';
import { openDealModalFromCommand } from '../deal/command-handler.js';
import { digestCommandHandler } from '../digest/command-handler.js';
import { followCommandHandler, followingCommandHandler, unfollowCommandHandler } from '../follow/handlers.js';
import { lookupCommandHandler } from '../lookup/handlers.js';
import { moveCommandHandler, openMoveModalFromCommand } from '../move/command-handler.js';
import { noteCommandHandler, openNoteModal } from '../note/command-handler.js';
import { statusCommandHandler } from '../status/handlers.js';
import { openTaskModalFromCommand, taskCommandHandler } from '../task/command-handler.js';
import { openTicketModal, replyCommandHandler } from '../ticket/command-handler.js';
import { type CrmCommand, type ModalName, parseCrmCommand } from './grammar.js';
import { buildHelpMessage, buildUsageError } from './help-view.js';

/** `/crm <word>` alone: the modal it opens. */
const MODALS: Record<ModalName, ModalOpener> = {
  note: openNoteModal,
  ticket: openTicketModal,
  task: openTaskModalFromCommand,
  deal: openDealModalFromCommand,
  move: openMoveModalFromCommand,
};

type Handlers = { [K in CrmCommand['kind']]: CommandHandler<K> };

/** Every parsed `/crm` command → the feature handler that answers it. */
const HANDLERS: Handlers = {
  move: moveCommandHandler,
  note: noteCommandHandler,
  lookup: lookupCommandHandler,
  digest: digestCommandHandler,
  reply: replyCommandHandler,
  task: taskCommandHandler,
  status: statusCommandHandler,
  audit: auditCommandHandler,
  follow: followCommandHandler,
  unfollow: unfollowCommandHandler,
  following: followingCommandHandler,
  connect: connectCommandHandler,
  disconnect: disconnectCommandHandler,
  help: async (_cmd, { respond }) => {
    await respond({ response_type: 'ephemeral', ...buildHelpMessage() });
  },
  error: async (cmd, { respond }) => {
    await respond({ response_type: 'ephemeral', ...buildUsageError(cmd) });
  },
  modal: (cmd, args, deps) => MODALS[cmd.modal](args, deps),
};

/** `/crm …`: ack at once (Slack's 3 s), parse, then run the sub-command; failures answer in words. */
export function crmCommandCallback(deps: Deps) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    const cmd = parseCrmCommand(args.command.text ?? '');
    const handler = HANDLERS[cmd.kind] as CommandHandler<typeof cmd.kind>;
    try {
      await handler(cmd as never, args, deps);
    } catch (err) {
      deps.logger.error({ err, kind: cmd.kind }, '/crm command failed');
      await args
        .respond({
          response_type: 'ephemeral',
          ...buildNotice('error', `Sorry, that did not work: ${describeAgileError(err)}`),
        })
        .catch((e) => deps.logger.error({ err: e }, 'could not report the failure to the user'));
    }
  };
}
