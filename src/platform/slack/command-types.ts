import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import type { CrmCommand } from '../../features/command/grammar.js';

/** What every `/crm` sub-command handler gets from Bolt (the command is acked by the router). */
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** One `/crm` sub-command: called after ack(), with the parsed command narrowed to its kind. */
export type CommandHandler<K extends CrmCommand['kind']> = (
  cmd: Extract<CrmCommand, { kind: K }>,
  args: CommandArgs,
  deps: Deps,
) => Promise<void>;

/** Opens a modal from a slash command's trigger_id (within 3 s: open first, fetch after). */
export type ModalOpener = (args: CommandArgs, deps: Deps) => Promise<void>;
