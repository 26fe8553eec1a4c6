import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { ACTION, CALLBACK, COMMAND, SHORTCUT } from '../slack/ids.js';
import { cardCreateDealCallback } from './actions/card-create-deal.js';
import { cardCreateTaskCallback } from './actions/card-create-task.js';
import { cardLogNoteCallback } from './actions/card-log-note.js';
import { cardShareCallback } from './actions/card-share.js';
import { createContactCallback } from './actions/create-contact.js';
import { dealDisambiguateCallback, dealMoveCallback, dealPickedCallback } from './actions/deal-actions.js';
import {
  digestCompleteCallback,
  digestReassignCallback,
  digestSnoozeCallback,
} from './actions/digest-actions.js';
import { ticketPickedCallback } from './actions/ticket-picker.js';
import { trackSelectCallback } from './actions/track-select.js';
import { crmCommandCallback } from './commands/crm-command.js';
import { contactOptionsCallback } from './options/contact-options.js';
import { dealOptionsCallback } from './options/deal-options.js';
import { ticketOptionsCallback } from './options/ticket-options.js';
import { logToCrmCallback } from './shortcuts/log-to-crm.js';
import { dealSubmissionCallback } from './views/deal-modal.js';
import { moveSubmissionCallback } from './views/move-modal.js';
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
  app.view(CALLBACK.dealModal, dealSubmissionCallback(deps));
  app.action(ACTION.trackSelect, trackSelectCallback(deps));
  app.action(ACTION.cardCreateDeal, cardCreateDealCallback(deps));
  app.view(CALLBACK.moveModal, moveSubmissionCallback(deps));
  app.options(ACTION.dealPicker, dealOptionsCallback(deps));
  app.action(ACTION.dealPicker, dealPickedCallback(deps));
  app.action(ACTION.dealMove, dealMoveCallback(deps));
  app.action(ACTION.dealDisambiguate, dealDisambiguateCallback(deps));
}
