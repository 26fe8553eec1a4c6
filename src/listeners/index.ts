import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { ACTION, CALLBACK, COMMAND, SHORTCUT } from '../slack/ids.js';
import { cardCreateTaskCallback } from './actions/card-create-task.js';
import { cardLogNoteCallback } from './actions/card-log-note.js';
import { cardShareCallback } from './actions/card-share.js';
import { createContactCallback } from './actions/create-contact.js';
import {
  digestCompleteCallback,
  digestReassignCallback,
  digestSnoozeCallback,
} from './actions/digest-actions.js';
import { ticketPickedCallback } from './actions/ticket-picker.js';
import { crmCommandCallback } from './commands/crm-command.js';
import { contactOptionsCallback } from './options/contact-options.js';
import { ticketOptionsCallback } from './options/ticket-options.js';
import { logToCrmCallback } from './shortcuts/log-to-crm.js';
import { noteSubmissionCallback } from './views/note-submission.js';
import { taskSubmissionCallback } from './views/task-submission.js';
import { ticketSubmissionCallback } from './views/ticket-modal.js';

/** The table of Slack surfaces → named callbacks. */
export function registerListeners(app: App, deps: Deps): void {
  app.command(COMMAND.crm, crmCommandCallback(deps));
  app.shortcut(SHORTCUT.logToCrm, logToCrmCallback(deps));
  app.view(CALLBACK.noteModal, noteSubmissionCallback(deps));
  app.action(ACTION.cardLogNote, cardLogNoteCallback(deps));
  app.action(ACTION.cardShare, cardShareCallback(deps));
  app.action(ACTION.createContact, createContactCallback(deps));
  app.action(ACTION.digestComplete, digestCompleteCallback(deps));
  app.action(ACTION.digestSnooze, digestSnoozeCallback(deps));
  app.action(ACTION.digestReassign, digestReassignCallback(deps));
  app.options(ACTION.contactPicker, contactOptionsCallback(deps));
  app.options(ACTION.ticketPicker, ticketOptionsCallback(deps));
  app.action(ACTION.ticketPicker, ticketPickedCallback(deps));
  app.view(CALLBACK.ticketModal, ticketSubmissionCallback(deps));
  app.view(CALLBACK.taskModal, taskSubmissionCallback(deps));
  app.action(ACTION.cardCreateTask, cardCreateTaskCallback(deps));
}
