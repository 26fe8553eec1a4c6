import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { ACTION, COMMAND } from '../slack/ids.js';
import { crmCommandCallback } from './commands/crm-command.js';
import { contactOptionsCallback } from './options/contact-options.js';

/** The table of Slack surfaces → named callbacks. */
export function registerListeners(app: App, deps: Deps): void {
  app.command(COMMAND.crm, crmCommandCallback(deps));
  app.options(ACTION.contactPicker, contactOptionsCallback(deps));
}
