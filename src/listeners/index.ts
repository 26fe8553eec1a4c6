import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { COMMAND } from '../slack/ids.js';
import { crmCommandCallback } from './commands/crm-command.js';

export interface ListenerDeps {
  logger: Logger;
}

/** The table of Slack surfaces → named callbacks. */
export function registerListeners(app: App, _deps: ListenerDeps): void {
  app.command(COMMAND.crm, crmCommandCallback);
}
