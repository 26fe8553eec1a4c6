import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { COMMAND } from '../slack/ids.js';
import { crmCommandCallback } from './commands/crm-command.js';

/** The table of Slack surfaces → named callbacks. */
export function registerListeners(app: App, deps: Deps): void {
  app.command(COMMAND.crm, crmCommandCallback(deps));
}
