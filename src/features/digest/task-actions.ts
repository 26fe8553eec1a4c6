import type { Deps } from '../../app/deps.js';
import type { DomainUser } from '../../platform/agile/index.js';
import type { DigestTask } from './digest-model.js';
import { toDigestTask } from './digest-run.js';

export type DigestActionKind = 'complete' | 'snooze' | 'reassign';

export type DigestActionInput =
  | { kind: 'complete'; taskId: string; actorUserId: string }
  /** `newDueEpochSec`: computed by the caller from the due the digest showed and the click's time (idempotent). */
  | { kind: 'snooze'; taskId: string; newDueEpochSec: number; actorUserId: string }
  | { kind: 'reassign'; taskId: string; owner: DomainUser; actorUserId: string };

/**
 * Applies a digest button to the Agile task (one partial update) and returns the task as the digest
 * shows it afterwards, marked with who did what. Throws Agile errors.
 */
export async function applyDigestAction(
  deps: Pick<Deps, 'agile' | 'owners'>,
  input: DigestActionInput,
): Promise<DigestTask> {
  const users = new Map<string, DomainUser>();
  switch (input.kind) {
    case 'complete': {
      const task = await deps.agile.tasks.updatePartial(input.taskId, {
        is_complete: true,
        status: 'COMPLETED',
      });
      return { ...toDigestTask(task, users), completedBy: input.actorUserId };
    }
    case 'snooze': {
      const task = await deps.agile.tasks.updatePartial(input.taskId, { due: input.newDueEpochSec });
      return { ...toDigestTask(task, users), snoozedBy: input.actorUserId };
    }
    case 'reassign': {
      const task = await deps.agile.tasks.updatePartial(input.taskId, { owner_id: String(input.owner.id) });
      const out = toDigestTask({ ...task, taskOwner: task.taskOwner ?? input.owner }, users);
      const reassignedTo: NonNullable<DigestTask['reassignedTo']> = {
        ownerName: input.owner.name || input.owner.email || 'someone',
        byUserId: input.actorUserId,
      };
      if (input.owner.email) reassignedTo.ownerEmail = input.owner.email;
      return { ...out, reassignedTo };
    }
  }
}
