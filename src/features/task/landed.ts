import type { AgileClient, Task } from '../../platform/agile/index.js';

/**
 * Did a task create that got no answer land after all? The first contact's tasks are searched for one
 * with the same subject and due time. The one check for tasks (the form and the quick path).
 */
export async function taskLanded(
  agile: AgileClient,
  task: { contactIds: readonly string[]; subject: string; dueEpochSec: number },
): Promise<Task | null> {
  const contactId = task.contactIds[0];
  if (contactId === undefined) return null;
  const tasks = await agile.contacts.tasks(contactId);
  return tasks.find((t) => t.subject === task.subject && t.due === task.dueEpochSec) ?? null;
}
