import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/app/deps.js';
import { loadDigestTasks } from '../../../src/features/digest/digest-run.js';
import type { DomainUser, Task } from '../../../src/platform/agile/index.js';

const NOW = new Date('2030-03-12T09:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);
const dana = { id: '7', email: 'Dana@x.example', name: 'Dana' } as DomainUser;

function task(id: string, owner: DomainUser | undefined, isComplete = false): Task {
  return {
    id,
    subject: `Task ${id}`,
    due: nowSec + 3600,
    is_complete: isComplete,
    contacts: [],
    deal_ids: [],
    notes: [],
    ...(owner ? { taskOwner: owner } : {}),
  } as unknown as Task;
}

describe('loadDigestTasks for owners the directory does not know', () => {
  it('finds them on the pending tasks by taskOwner email; the rest are unknown', async () => {
    const deps = {
      logger: pino({ level: 'silent' }),
      owners: {
        list: async () => [],
        byEmail: async () => undefined,
        apiUser: async () => undefined,
        defaultFor: async () => undefined,
      },
      agile: {
        tasks: {
          pending: async () => [task('1', dana), task('2', undefined), task('3', dana, true)],
        },
      },
    } as unknown as Pick<Deps, 'agile' | 'owners' | 'slackUsers' | 'logger'>;
    const out = await loadDigestTasks(
      deps,
      { horizonDays: 7, ownerEmails: ['dana@x.example', 'nobody@x.example'] },
      NOW,
    );
    expect(out.tasks.map((t) => [t.id, t.ownerEmail])).toEqual([['1', 'Dana@x.example']]);
    expect(out.unknownOwners).toEqual(['nobody@x.example']);
  });
});
