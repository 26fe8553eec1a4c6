import { DEAL_FORM_RETRY, retryDealForm } from '../features/deal/handlers.js';
import { MOVE_FORM_RETRY, retryMoveForm } from '../features/move/handlers.js';
import { NOTE_FORM_RETRY, retryNoteForm } from '../features/note/submit-handler.js';
import type { RetryWrite } from '../features/retry/handlers.js';
import { retryTaskForm, TASK_FORM_RETRY } from '../features/task/submit-handler.js';
import { retryThreadForm, THREAD_FORM_RETRY } from '../features/thread/handlers.js';
import { HELD_REPLY_RETRY, retryHeldReply } from '../features/ticket/held-sender.js';
import { retryTicketForm, TICKET_FORM_RETRY } from '../features/ticket/submit-handler.js';

/** The writes a failure DM's Retry can run again (see platform/slack/failed-write.ts), by kind. */
export const RETRY_WRITES: Readonly<Record<string, RetryWrite>> = {
  [NOTE_FORM_RETRY]: retryNoteForm,
  [TASK_FORM_RETRY]: retryTaskForm,
  [DEAL_FORM_RETRY]: retryDealForm,
  [MOVE_FORM_RETRY]: retryMoveForm,
  [TICKET_FORM_RETRY]: retryTicketForm,
  [THREAD_FORM_RETRY]: retryThreadForm,
  [HELD_REPLY_RETRY]: retryHeldReply,
};
