import type { DigestTask } from '../../../src/features/digest/digest-model.js';

/** Epoch seconds of an ISO instant. */
export const sec = (iso: string) => Date.parse(iso) / 1000;

/** A digest task due at `dueIso` (a call of Ana's, normal priority) with any field overridden. */
export function digestTask(id: string, dueIso: string, over: Partial<DigestTask> = {}): DigestTask {
  return {
    id,
    subject: `Task ${id}`,
    type: 'CALL',
    priority: 'NORMAL',
    dueEpochSec: sec(dueIso),
    ownerName: 'Ana',
    ownerEmail: 'ana@example.com',
    ...over,
  };
}
