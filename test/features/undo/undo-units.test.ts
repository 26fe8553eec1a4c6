import { describe, expect, it } from 'vitest';
import { checkRecord, taskFields } from '../../../src/features/undo/kinds.js';
import { UNDO_BLOCK_ID, undoIdOf, withUndo } from '../../../src/features/undo/offer.js';
import { moveUndo, taskChangeUndo } from '../../../src/features/undo/specs.js';
import {
  buildNotAuthorMessage,
  buildUndoClosedMessage,
  buildUndoFailedMessage,
} from '../../../src/features/undo/views.js';
import type { AgileClient, Task } from '../../../src/platform/agile/index.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';

const task = (over: Partial<Task> = {}): Task =>
  ({
    id: '1',
    subject: 'Call',
    due: 100,
    is_complete: false,
    owner_id: '7',
    contacts: [],
    deal_ids: [],
    notes: [],
    ...over,
  }) as Task;
const agileWith = (found: Task | null) => ({ tasks: { get: async () => found } }) as unknown as AgileClient;

describe('the changed-since check', () => {
  it('compares only the fields the write set', async () => {
    const fp = { due: 100, is_complete: false };
    expect(
      await checkRecord(agileWith(task({ subject: 'Renamed' })), 'task.create', { taskId: '1' }, fp),
    ).toEqual({
      kind: 'unchanged',
    });
    expect(await checkRecord(agileWith(task({ due: 160 })), 'task.create', { taskId: '1' }, fp)).toEqual({
      kind: 'changed',
    });
    expect(
      await checkRecord(agileWith(task({ is_complete: true })), 'task.create', { taskId: '1' }, fp),
    ).toEqual({
      kind: 'changed',
    });
    expect(await checkRecord(agileWith(null), 'task.create', { taskId: '1' }, fp)).toEqual({ kind: 'gone' });
  });

  it('reads the owner from taskOwner when Agile sends it, and compares ids as text', () => {
    expect(
      taskFields(task({ owner_id: undefined, taskOwner: { id: '9007199254740993' } as never })).owner_id,
    ).toBe('9007199254740993');
  });
});

describe('undo specs', () => {
  it('offers no Undo for a move that changed nothing or had no milestone before', () => {
    const move = { dealId: '5', name: 'Acme', before: 'New', after: 'Won', unchanged: false };
    expect(moveUndo(move)).toMatchObject({
      previous: { milestone: 'New' },
      fingerprint: { milestone: 'Won' },
    });
    const note = { subject: 'Moved to Lost: reason', description: 'Reason: budget' };
    expect(moveUndo({ ...move, note })?.previous).toEqual({ milestone: 'New', note });
    expect(moveUndo({ ...move, unchanged: true })).toBeNull();
    expect(moveUndo({ ...move, before: '' })).toBeNull();
  });

  it('a snooze puts back the due the button showed; a reassign needs the owner read before', () => {
    const t = { id: '1', subject: 'Call' };
    expect(
      taskChangeUndo(t, null, { kind: 'snooze', newDueEpochSec: 200, fromDueEpochSec: 100 }),
    ).toMatchObject({
      previous: { due: 100 },
      fingerprint: { due: 200 },
    });
    expect(taskChangeUndo(t, null, { kind: 'reassign', ownerId: '8' })).toBeNull();
    expect(taskChangeUndo(t, task(), { kind: 'reassign', ownerId: '8' })).toMatchObject({
      previous: { owner_id: '7' },
      fingerprint: { owner_id: '8' },
    });
    expect(taskChangeUndo(t, null, { kind: 'complete' })).toMatchObject({
      previous: { is_complete: false, status: 'YET_TO_START' },
    });
  });
});

describe('undo views', () => {
  const confirmation = {
    text: 'Logged',
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Logged' } }],
  };

  it('adds one Undo button carrying the id, and none without an id', () => {
    const offered = withUndo(confirmation, 'abc');
    expect(undoIdOf(offered.blocks)).toBe('abc');
    expect(validateMessage(offered)).toEqual([]);
    expect(withUndo(confirmation, null)).toBe(confirmation);
  });

  it('replaces the button with what happened, escaping CRM text', () => {
    const original = withUndo(confirmation, 'abc').blocks;
    const undone = buildUndoClosedMessage(original, {
      kind: 'undone',
      label: 'x',
      what: 'the note “<!channel>” was deleted',
      userId: 'U1',
      atMs: Date.UTC(2030, 0, 1, 9, 5),
    });
    expect(undone.blocks.some((b) => b.block_id === UNDO_BLOCK_ID)).toBe(false);
    expect(JSON.stringify(undone.blocks)).toContain('Undone by <@U1> at <!date^1893488700^{time}|09:05 UTC>');
    expect(JSON.stringify(undone.blocks)).not.toContain('<!channel>');
    expect(validateMessage(undone)).toEqual([]);
    expect(buildUndoClosedMessage(undefined, { kind: 'too_late' }).text).toBe(
      'Too late to undo (10 minutes).',
    );
    expect(buildUndoClosedMessage(undefined, { kind: 'changed', label: 'the task “Call”' }).text).toContain(
      'The task “Call” was changed in Agile since — nothing undone',
    );
    expect(buildNotAuthorMessage('U9').text).toBe('Only <@U9> can undo this.');
    expect(buildUndoFailedMessage('the task', 'the CRM could not be reached').text).toContain(
      'try Undo again',
    );
  });
});
