import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import { type CreatedTask, describeDue, TASK_PRIORITY_LABELS, TASK_TYPE_LABELS } from './use-case.js';

export interface TaskConfirmationContext {
  timeZone: string;
  now: Date;
  /** The quick path had no `due …`: say which default was used. */
  defaultedDue?: boolean;
  /** The same request came again (double click, re-sent command): nothing new was written. */
  replayed?: boolean;
}

const SUBJECT_SHOWN = 200;
const NAME_SHOWN = 80;
const CONTACTS_SHOWN = 5;

const label = (labels: Record<string, string>, code: string) => labels[code] ?? code;

/** The lines of a created task, as escaped mrkdwn (also the modal's "done" view). */
export function taskSummaryMrkdwn(task: CreatedTask, ctx: TaskConfirmationContext): string {
  const head = ctx.replayed ? '✅ Task already created' : '✅ Task created';
  const lines = [`${head}: *${escapeMrkdwn(truncate(task.subject, SUBJECT_SHOWN))}*`];
  const due = escapeMrkdwn(describeDue(task.dueEpochSec, ctx.timeZone, ctx.now));
  lines.push(`*Due:* ${due}${ctx.defaultedDue ? ' — no `due …` given, so tomorrow at 09:00' : ''}`);
  if (task.contacts.length > 0) {
    const names = task.contacts
      .slice(0, CONTACTS_SHOWN)
      .map((c) => escapeMrkdwn(truncate(c.name, NAME_SHOWN)));
    const more = task.contacts.length - CONTACTS_SHOWN;
    lines.push(`*Contact:* ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (task.owner) lines.push(`*Owner:* ${escapeMrkdwn(truncate(task.owner.name, NAME_SHOWN))}`);
  lines.push(
    `*Type:* ${escapeMrkdwn(label(TASK_TYPE_LABELS, task.type))} · *Priority:* ${escapeMrkdwn(label(TASK_PRIORITY_LABELS, task.priority))}`,
  );
  return lines.join('\n');
}

/** The ephemeral confirmation after a task was created (modal or quick path). */
export function buildTaskCreatedMessage(task: CreatedTask, ctx: TaskConfirmationContext): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(taskSummaryMrkdwn(task, ctx)) }];
  const due = describeDue(task.dueEpochSec, ctx.timeZone, ctx.now);
  // The fallback shows in notifications: escaped too, so it can never ping anyone.
  const text = `${ctx.replayed ? 'Task already created' : 'Task created'}: ${escapeMrkdwn(truncate(task.subject, SUBJECT_SHOWN))} — due ${escapeMrkdwn(due)}`;
  return { text: truncate(text, LIMITS.fallbackText), blocks };
}
