import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { decodeTaskMetadata, encodeTaskMetadata } from '../../../src/features/task/schema.js';
import type { CreatedTask } from '../../../src/features/task/use-case.js';
import {
  buildTaskCreatedMessage,
  buildTaskDoneModal,
  buildTaskLoadingModal,
  buildTaskModal,
  buildTaskSavingModal,
  buildTaskUnavailableModal,
  describeDue,
  type TaskModalData,
  taskSummaryMrkdwn,
} from '../../../src/features/task/views.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';

const meta = { channelId: 'C0SALES', timeZone: 'America/Los_Angeles' };
const NOW = new Date('2030-03-12T18:00:00Z');

const data = (over: Partial<TaskModalData> = {}): TaskModalData => ({
  meta,
  owners: [
    { id: '1', name: 'Alice Moreno' },
    { id: '2', name: 'Raj Patel' },
  ],
  values: { dueDate: '2030-03-13', dueTime: '09:00', owner: { id: '2', name: 'Raj Patel' } },
  ...over,
});

const inputs = (view: ModalView) => view.blocks.filter((b): b is InputBlock => b.type === 'input');
const input = (view: ModalView, blockId: string) => {
  const b = inputs(view).find((x) => x.block_id === blockId);
  if (!b) throw new Error(`no ${blockId}`);
  return b.element as unknown as Record<string, unknown>;
};

const task: CreatedTask = {
  id: '5',
  subject: 'Call <!here> about <https://evil.example|renewal>',
  type: 'FOLLOW_UP',
  priority: 'HIGH',
  dueEpochSec: Date.parse('2030-03-14T22:30:00Z') / 1000,
  contacts: [
    { id: '9007199254740993', name: '<!channel> Eve' },
    { id: '2', name: 'Ada & Co' },
  ],
  owner: { id: '1', name: 'Alice <@U123>' },
};

describe('buildTaskModal', () => {
  it('has one input per field with the agreed labels, ids and a submit', () => {
    const view = buildTaskModal(data());
    expect(view.callback_id).toBe(CALLBACK.taskModal);
    expect(view.submit).toBeDefined();
    expect(
      inputs(view).map((b) => [b.block_id, b.label.text, (b.element as { action_id: string }).action_id]),
    ).toEqual([
      [BLOCK.subject, 'Subject', ACTION.subjectInput],
      [BLOCK.contact, 'Contact', ACTION.contactPicker],
      [BLOCK.taskType, 'Type', ACTION.taskType],
      [BLOCK.priority, 'Priority', ACTION.priority],
      [BLOCK.dueDate, 'Due date', ACTION.dueDate],
      [BLOCK.dueTime, 'Due time', ACTION.dueTime],
      [BLOCK.description, 'Description', ACTION.description],
      [BLOCK.owner, 'Owner', ACTION.ownerSelect],
    ]);
    expect(validateView(view)).toEqual([]);
    expect(decodeTaskMetadata(view.private_metadata)).toEqual(meta);
  });

  it('preselects defaults; the initial option is one of the options, text included', () => {
    const view = buildTaskModal(data());
    for (const id of [BLOCK.taskType, BLOCK.priority, BLOCK.owner]) {
      const el = input(view, id);
      expect(el.options).toContainEqual(el.initial_option);
    }
    expect((input(view, BLOCK.taskType).initial_option as { value: string }).value).toBe('FOLLOW_UP');
    expect((input(view, BLOCK.priority).initial_option as { text: { text: string } }).text.text).toBe(
      'Normal',
    );
    expect((input(view, BLOCK.owner).initial_option as { value: string }).value).toBe('2');
    expect(input(view, BLOCK.dueDate).initial_date).toBe('2030-03-13');
    expect(input(view, BLOCK.dueTime).initial_time).toBe('09:00');
  });

  it('keeps what was typed and shows the error on top, escaped', () => {
    const view = buildTaskModal(
      data({
        error: 'The CRM said <!channel>',
        values: {
          subject: 'Typed',
          type: 'MEETING',
          priority: 'HIGH',
          dueDate: '2030-04-01',
          dueTime: '13:15',
          contacts: [{ id: '9007199254740993', name: '<!channel> Eve' }],
          description: 'Notes',
          owner: { id: '77', name: 'Someone not listed' },
        },
      }),
    );
    const first = view.blocks[0] as KnownBlock & { text: { text: string } };
    expect(first.text.text).toContain('&lt;!channel&gt;');
    expect(input(view, BLOCK.subject).initial_value).toBe('Typed');
    expect((input(view, BLOCK.taskType).initial_option as { value: string }).value).toBe('MEETING');
    expect((input(view, BLOCK.contact).initial_options as { value: string }[])[0]?.value).toBe(
      '9007199254740993',
    );
    // An owner missing from the list is still offered, so the choice is not lost.
    expect((input(view, BLOCK.owner).initial_option as { value: string }).value).toBe('77');
    expect(validateView(view)).toEqual([]);
  });

  it('stays within Slack limits with 150 owners and long names', () => {
    const owners = Array.from({ length: 150 }, (_, i) => ({
      id: String(1000 + i),
      name: `Owner ${i} ${'x'.repeat(100)}`,
    }));
    const view = buildTaskModal(
      data({ owners, values: { owner: { id: '1149', name: 'Owner 149' }, subject: 's'.repeat(600) } }),
    );
    const el = input(view, BLOCK.owner);
    expect((el.options as unknown[]).length).toBe(100);
    expect(el.options).toContainEqual(el.initial_option);
    expect(validateView(view)).toEqual([]);
  });

  it('leaves the owner input out when there is nobody to choose', () => {
    const view = buildTaskModal(data({ owners: [], values: {}, notice: 'No users' }));
    expect(inputs(view).some((b) => b.block_id === BLOCK.owner)).toBe(false);
    expect(validateView(view)).toEqual([]);
  });

  it('loading, saving, done and unavailable views are valid and carry the metadata', () => {
    const done = buildTaskDoneModal(meta, task, NOW);
    expect(JSON.stringify(done.blocks)).toContain('Task created');
    expect(JSON.stringify(done.blocks)).not.toContain('<!here>');
    for (const view of [
      buildTaskLoadingModal(meta),
      buildTaskSavingModal(meta),
      done,
      buildTaskUnavailableModal(meta, 'The CRM is down <!channel>'),
    ]) {
      expect(validateView(view)).toEqual([]);
      expect(view.submit).toBeUndefined();
      expect(decodeTaskMetadata(view.private_metadata)).toEqual(meta);
    }
  });

  it('reads damaged metadata as no channel, UTC', () => {
    expect(decodeTaskMetadata('{not json')).toEqual({ channelId: '', timeZone: 'UTC' });
    expect(decodeTaskMetadata(encodeTaskMetadata(meta))).toEqual(meta);
  });
});

describe('describeDue', () => {
  it('describes a due date in the user zone', () => {
    expect(describeDue(Date.parse('2030-03-14T22:30:00Z') / 1000, 'America/Los_Angeles', NOW)).toBe(
      'Thu 14 Mar, 15:30 (America/Los_Angeles)',
    );
  });
});

describe('buildTaskCreatedMessage', () => {
  it('shows subject, due in the zone, contacts, owner, type and priority, all escaped', () => {
    const msg = buildTaskCreatedMessage(task, { timeZone: meta.timeZone, now: NOW });
    const all = JSON.stringify(msg);
    expect(all).toContain('Thu 14 Mar, 15:30 (America/Los_Angeles)');
    expect(all).toContain('&lt;!channel&gt; Eve');
    expect(all).toContain('Ada &amp; Co');
    expect(all).toContain('Alice &lt;@U123&gt;');
    expect(all).toContain('Follow-up');
    expect(all).toContain('High');
    expect(all).not.toMatch(/<!|<@|<https/);
    expect(validateMessage(msg)).toEqual([]);
  });

  it('says when the due date was a default, and when nothing new was written', () => {
    const text = taskSummaryMrkdwn(task, { timeZone: 'UTC', now: NOW, defaultedDue: true, replayed: true });
    expect(text).toContain('already created');
    expect(text).toContain('tomorrow at 09:00');
  });

  it('stays within limits for huge subjects and many contacts', () => {
    const big: CreatedTask = {
      ...task,
      subject: '<'.repeat(3000),
      contacts: Array.from({ length: 40 }, (_, i) => ({ id: String(i), name: '&'.repeat(500) })),
    };
    const msg = buildTaskCreatedMessage(big, { timeZone: 'UTC', now: NOW });
    expect(validateMessage(msg)).toEqual([]);
    expect(JSON.stringify(msg)).toContain('and 35 more');
  });
});
