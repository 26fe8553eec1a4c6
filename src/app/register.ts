import type { App } from '@slack/bolt';
import { crmCommandCallback } from '../features/command/handlers.js';
import { cardShareCallback } from '../features/contact-card/handlers.js';
import { contactOptionsCallback } from '../features/contacts/handlers.js';
import { cardCreateDealCallback } from '../features/deal/card-handler.js';
import { dealSubmissionCallback } from '../features/deal/submit-handler.js';
import { trackSelectCallback } from '../features/deal/track-handler.js';
import {
  digestCompleteCallback,
  digestReassignCallback,
  digestSnoozeCallback,
} from '../features/digest/action-handlers.js';
import { createContactCallback } from '../features/lookup/create-contact-handler.js';
import {
  dealDisambiguateCallback,
  dealMoveCallback,
  dealPickedCallback,
} from '../features/move/action-handlers.js';
import { dealOptionsCallback } from '../features/move/options-handler.js';
import { moveSubmissionCallback } from '../features/move/submit-handler.js';
import { cardLogNoteCallback } from '../features/note/card-handler.js';
import { logToCrmCallback } from '../features/note/shortcut-handler.js';
import { noteSubmissionCallback } from '../features/note/submit-handler.js';
import { cardCreateTaskCallback } from '../features/task/card-handler.js';
import { taskSubmissionCallback } from '../features/task/submit-handler.js';
import { ticketOptionsCallback } from '../features/ticket/options-handler.js';
import { ticketPickedCallback } from '../features/ticket/picker-handler.js';
import { ticketSubmissionCallback } from '../features/ticket/submit-handler.js';
import { ACTION, CALLBACK, COMMAND, SHORTCUT } from '../platform/slack/ids.js';
import type { Deps } from './deps.js';

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
