import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildDigestItem,
  buildDigestModel,
  type DigestTask,
} from '../../../src/features/digest/digest-model.js';
import {
  buildDigestItemBlocks,
  buildDigestItemUpdate,
  buildDigestMessages,
  type DigestMessages,
  digestSubjectOf,
  encodeDigestTaskValue,
  parseDigestTaskValue,
  taskIdFromDigestBlockId,
} from '../../../src/features/digest/views.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';
import { sec, digestTask as task } from './fixtures.js';

const now = new Date('2026-01-15T14:00:00Z'); // 09:00 in New York
const modelOptions = { now, timeZone: 'America/New_York', horizonDays: 3 };
const viewOptions = { mentions: new Map([['ana@example.com', '<@UANA>']]) };

function allMessages(m: DigestMessages) {
  return [m.main, ...m.thread];
}

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

function itemIds(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((b) => {
    const id = b.type === 'section' ? taskIdFromDigestBlockId(b.block_id) : undefined;
    return id ? [id] : [];
  });
}

function manyTasks(n: number): DigestTask[] {
  const base = sec('2026-01-15T14:00:00Z');
  return Array.from({ length: n }, (_, i) =>
    task(String(5_700_000_000_000_000 + i), '2026-01-01T00:00:00Z', {
      subject: `Call back about renewal <${i}> & pricing ${'x'.repeat(i % 120)}`,
      dueEpochSec: base + ((i * 7919) % (6 * 86_400)) - 3 * 86_400,
      ownerName: `Owner ${i % 17}`,
      ownerEmail: `owner${i % 17}@example.com`,
      contactName: `Contact ${i}`,
      priority: ['HIGH', 'NORMAL', 'LOW'][i % 3] as string,
      type: ['CALL', 'EMAIL', 'FOLLOW_UP', 'MEETING'][i % 4] as string,
    }),
  );
}

describe('buildDigestMessages', () => {
  it('fits a 500-task digest in valid messages: top items in the channel, the rest in the thread', () => {
    const model = buildDigestModel(manyTasks(500), modelOptions);
    const messages = buildDigestMessages(model, viewOptions);
    for (const [i, message] of allMessages(messages).entries()) {
      expect(validateMessage(message), `message ${i}`).toEqual([]);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
    }
    const mainIds = itemIds(messages.main.blocks);
    const threadIds = messages.thread.flatMap((m) => itemIds(m.blocks));
    expect(mainIds).toHaveLength(10);
    expect(messages.thread.length).toBeGreaterThan(1);
    const all = [...mainIds, ...threadIds];
    expect(all).toHaveLength(model.counts.total);
    expect(new Set(all).size).toBe(all.length);
    const moreLine = JSON.stringify(messages.main.blocks.at(-1));
    expect(moreLine).toContain(`${model.counts.total - 10} more in the thread`);
    expect(messages.thread[0]?.text).toContain('continued, 1 of');
    const total = messages.thread.length;
    expect(JSON.stringify(messages.thread[1]?.blocks[0])).toContain(`Continued · part 2 of ${total}`);
  });

  it('cuts a long thread at maxThreadMessages and says how many tasks are not shown', () => {
    const model = buildDigestModel(manyTasks(500), modelOptions);
    const full = buildDigestMessages(model, viewOptions);
    const cut = buildDigestMessages(model, { ...viewOptions, maxThreadMessages: 3 });
    expect(cut.thread).toHaveLength(3);
    expect(cut.thread.slice(0, 2)).toEqual(full.thread.slice(0, 2));
    const shown = [cut.main, ...cut.thread].flatMap((m) => itemIds(m.blocks)).length;
    const notice = cut.thread[2];
    expect(notice?.text).toBe(`…and ${model.counts.total - shown} more tasks not shown here: see Agile CRM.`);
    expect(validateMessage(notice as DigestMessages['main'])).toEqual([]);
  });

  it('labels a lone thread reply just "Continued", without "part 1 of 1"', () => {
    const model = buildDigestModel(manyTasks(12), modelOptions);
    const messages = buildDigestMessages(model, viewOptions);
    expect(messages.thread).toHaveLength(1);
    const reply = messages.thread[0];
    expect(reply?.blocks[0]).toMatchObject({ type: 'context', elements: [{ text: 'Continued' }] });
    expect(reply?.text).toMatch(/\(continued\)$/);
    expect(JSON.stringify(reply)).not.toContain('1 of 1');
  });

  it('honours smaller budgets and still lists every item once', () => {
    const model = buildDigestModel(manyTasks(60), modelOptions);
    const messages = buildDigestMessages(model, { ...viewOptions, maxBlocks: 12, maxItemsInMain: 3 });
    for (const message of allMessages(messages)) expect(message.blocks.length).toBeLessThanOrEqual(12);
    expect(itemIds(messages.main.blocks)).toHaveLength(3);
    expect(allMessages(messages).flatMap((m) => itemIds(m.blocks))).toHaveLength(model.counts.total);
  });

  it('orders overdue, then today, then upcoming, and groups by owner', () => {
    const model = buildDigestModel(
      [
        task('up', '2026-01-17T15:00:00Z'),
        task('today-bo', '2026-01-15T20:00:00Z', { ownerName: 'Bo', ownerEmail: 'bo@example.com' }),
        task('today-ana', '2026-01-15T21:00:00Z'),
        task('late', '2026-01-13T15:00:00Z'),
      ],
      modelOptions,
    );
    const { main, thread } = buildDigestMessages(model, viewOptions);
    expect(thread).toEqual([]);
    expect(itemIds(main.blocks)).toEqual(['late', 'today-bo', 'today-ana', 'up']);
    const texts = sectionTexts(main.blocks);
    const headings = texts.filter((t) => t.includes(' task'));
    expect(headings[0]).toContain('Overdue (1)');
    expect(headings[1]).toContain('Due today (2)');
    expect(headings[1]).toContain('*Bo* · 1 task');
    expect(headings[2]).toBe('<@UANA> · 1 task');
    expect(headings[3]).toContain('Upcoming (1)');
    expect(texts.join('\n')).toContain('2 days late');
    expect(JSON.stringify(main.blocks[1])).toContain(
      '*1* overdue · *2* due today · *1* upcoming (next 3 days)',
    );
    expect(main.text).toBe('CRM tasks for Thursday 15 January: 1 overdue, 2 due today, 1 upcoming');
  });

  it('shows each task with type in words, priority, due time in the zone and contact', () => {
    const t = task('k', '2026-01-16T04:00:00Z', {
      type: 'FOLLOW_UP',
      priority: 'HIGH',
      contactName: 'Jane Roe',
    });
    const ny = buildDigestMessages(buildDigestModel([t], modelOptions), viewOptions);
    const text = sectionTexts(ny.main.blocks).find((s) => s.startsWith('*Task k*'));
    expect(text).toBe('*Task k*\nFollow-up · ❗ High priority · due Thu 15 Jan, 23:00 · 👤 Jane Roe');
    const kolkata = buildDigestMessages(
      buildDigestModel([t], { now, timeZone: 'Asia/Kolkata', horizonDays: 3 }),
      viewOptions,
    );
    expect(JSON.stringify(kolkata.main.blocks)).toContain('due Fri 16 Jan, 09:30');
    expect(JSON.stringify(kolkata.main.blocks)).toContain('Times in Asia/Kolkata');
  });

  it('escapes every CRM string: subject, contact, owner name, type', () => {
    const t = task('e', '2026-01-16T04:00:00Z', {
      subject: '<!channel> call <@U123> & <https://evil|click>',
      contactName: '<!here>',
      ownerName: '<!everyone>',
      ownerEmail: undefined,
      type: '<b>',
    });
    const json = JSON.stringify(buildDigestMessages(buildDigestModel([t], modelOptions), viewOptions));
    expect(json).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U123>|<https:/);
    expect(json).toContain('&lt;!channel&gt; call &lt;@U123&gt; &amp; &lt;https://evil|click&gt;');
    expect(json).toContain('&lt;!everyone&gt;');
  });

  it('truncates a huge subject and stays valid', () => {
    const t = task('long', '2026-01-16T04:00:00Z', { subject: '<'.repeat(5000) });
    const { main } = buildDigestMessages(buildDigestModel([t], modelOptions), viewOptions);
    expect(validateMessage(main)).toEqual([]);
    const text = sectionTexts(main.blocks).find((s) => s.includes('&lt;')) ?? '';
    expect(text.length).toBeLessThan(500);
    expect(text).toContain('…');
  });

  it('posts a short "nothing pending" line for an empty day', () => {
    const { main, thread } = buildDigestMessages(buildDigestModel([], modelOptions), {
      ...viewOptions,
      scheduleLabel: 'Weekdays at 09:00',
    });
    expect(thread).toEqual([]);
    expect(main.blocks).toHaveLength(3);
    expect(JSON.stringify(main.blocks)).toContain('Nothing pending');
    expect(JSON.stringify(main.blocks)).toContain('Weekdays at 09:00');
    expect(main.text).toContain('nothing pending');
    expect(validateMessage(main)).toEqual([]);
  });

  it('gives each pending item Complete, Snooze and Reassign carrying the task', () => {
    const t = task('5765082722467840', '2026-01-16T04:00:00Z');
    const { main } = buildDigestMessages(buildDigestModel([t], modelOptions), viewOptions);
    const actions = main.blocks.find((b): b is ActionsBlock => b.type === 'actions');
    expect(actions?.elements.map((e) => e.action_id)).toEqual([
      ACTION.digestComplete,
      ACTION.digestSnooze,
      ACTION.digestReassign,
    ]);
    expect(taskIdFromDigestBlockId(actions?.block_id)).toBe('5765082722467840');
    const complete = actions?.elements[0];
    expect(complete && 'value' in complete ? parseDigestTaskValue(complete.value) : undefined).toEqual({
      taskId: '5765082722467840',
      dueEpochSec: t.dueEpochSec,
    });
  });
});

describe('digest task values and block ids', () => {
  it('round-trips and rejects anything else without throwing', () => {
    const v = { taskId: '123', dueEpochSec: 1_768_000_000 };
    expect(parseDigestTaskValue(encodeDigestTaskValue(v))).toEqual(v);
    for (const bad of [undefined, 42, '', 'nope', '{"id":1,"due":2}', '{"id":"1"}', 'null', '[]']) {
      expect(parseDigestTaskValue(bad)).toBeUndefined();
    }
    expect(taskIdFromDigestBlockId('digest_task:')).toBeUndefined();
    expect(taskIdFromDigestBlockId('something_else:1')).toBeUndefined();
  });
});

describe('digestSubjectOf', () => {
  it('reads the subject back from the item (unescaped, handled or not); undefined when absent', () => {
    const open = buildDigestItem(
      task('7', '2026-01-15T15:00:00Z', { subject: 'Call <Ada> & Co' }),
      modelOptions,
    );
    expect(digestSubjectOf(buildDigestItemBlocks(open, 'UTC', new Map()), '7')).toBe('Call <Ada> & Co');
    const done = buildDigestItem({ ...open.task, completedBy: 'U1' }, modelOptions);
    expect(digestSubjectOf(buildDigestItemBlocks(done, 'UTC', new Map()), '7')).toBe('Call <Ada> & Co');
    expect(digestSubjectOf(buildDigestItemBlocks(open, 'UTC', new Map()), '8')).toBeUndefined();
    expect(digestSubjectOf(undefined, '7')).toBeUndefined();
  });
});

describe('buildDigestItemUpdate', () => {
  const tasks = [task('a', '2026-01-16T04:00:00Z'), task('b', '2026-01-16T04:30:00Z')];
  const { main } = buildDigestMessages(buildDigestModel(tasks, modelOptions), viewOptions);
  const updateOptions = { timeZone: 'America/New_York', mentions: viewOptions.mentions };

  it('replaces only the clicked item: Completed by, no buttons left', () => {
    const item = buildDigestItem({ ...(tasks[0] as DigestTask), completedBy: 'UCLICK' }, modelOptions);
    const { blocks, found } = buildDigestItemUpdate(main.blocks, item, updateOptions);
    expect(found).toBe(true);
    expect(blocks).toHaveLength(main.blocks.length);
    const json = JSON.stringify(blocks);
    expect(json).toContain('✅ Completed by <@UCLICK>');
    expect(json).toContain('~Task a~');
    expect(blocks.filter((b) => b.type === 'actions')).toHaveLength(1); // b still has its buttons
    expect(validateMessage({ text: main.text, blocks })).toEqual([]);
  });

  it('shows the new due time after a snooze and the new owner after a reassign', () => {
    const snoozed = buildDigestItem(
      {
        ...(tasks[1] as DigestTask),
        dueEpochSec: (tasks[1] as DigestTask).dueEpochSec + 86_400,
        snoozedBy: 'U1',
      },
      modelOptions,
    );
    const after = buildDigestItemUpdate(main.blocks, snoozed, updateOptions).blocks;
    expect(JSON.stringify(after)).toContain('💤 Snoozed to Fri 16 Jan, 23:30 by <@U1>');
    const section = after.find((b): b is SectionBlock => b.block_id === 'digest_task:b');
    expect(section?.text?.text).toContain('due Fri 16 Jan, 23:30');

    const reassigned = buildDigestItem(
      { ...(tasks[0] as DigestTask), reassignedTo: { ownerName: 'Bo <x>', byUserId: 'U2' } },
      modelOptions,
    );
    expect(JSON.stringify(buildDigestItemUpdate(main.blocks, reassigned, updateOptions).blocks)).toContain(
      '↪️ Reassigned to *Bo &lt;x&gt;* by <@U2>',
    );
  });

  it('reports a task that is not in the message and changes nothing', () => {
    const item = buildDigestItem({ ...(tasks[0] as DigestTask), id: 'zzz', completedBy: 'U' }, modelOptions);
    const { blocks, found } = buildDigestItemUpdate(main.blocks, item, updateOptions);
    expect(found).toBe(false);
    expect(blocks).toEqual(main.blocks);
  });
});
