import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../../src/devkit/console/block-kit-validator.js';
import { messagesFor } from '../../../src/features/follow/poller.js';
import {
  diffRecord,
  type Observed,
  parseSnapshot,
  snapshotOf,
} from '../../../src/features/follow/snapshot.js';
import {
  buildFollowChoices,
  buildFollowingList,
  type RecordRef,
  recordUrl,
} from '../../../src/features/follow/views.js';
import type { Deal, Note } from '../../../src/platform/agile/index.js';

const deal = (over: Partial<Deal> = {}): Deal =>
  ({
    id: '1',
    name: 'Acme',
    milestone: 'Proposal',
    expected_value: 1000,
    owner_id: '7',
    owner: { id: '7', name: 'Ana', email: 'ana@x.com' },
    close_date: 1_800_000_000,
    contact_ids: [],
    contacts: [],
    custom_data: [],
    tagsWithTime: [],
    ...over,
  }) as Deal;
const note = (id: string, createdSec: number): Note =>
  ({
    id,
    subject: `S${id}`,
    description: `D${id}`,
    created_time: createdSec,
    contact_ids: [],
    deal_ids: [],
    contacts: [],
  }) as Note;
const never = () => null;
const dealSeen = (d: Deal, notes: Note[] = []): Observed => ({ kind: 'deal', deal: d, notes });

describe('diffRecord', () => {
  it('the first poll is the baseline: no changes', () => {
    expect(diffRecord(null, dealSeen(deal(), [note('1', 1)]), never)).toEqual([]);
  });

  it('reports each changed deal field and new notes, oldest first', () => {
    const before = snapshotOf(dealSeen(deal(), [note('1', 1)]));
    const after = dealSeen(
      deal({
        milestone: 'Won',
        expected_value: 2000,
        owner_id: '8',
        owner: { id: '8', name: 'Bo' } as Deal['owner'],
        close_date: 1_900_000_000,
      }),
      [note('3', 3), note('1', 1), note('2', 2)],
    );
    const changes = diffRecord(before, after, (m) => (m === 'Won' ? 'won' : null));
    expect(changes.map((c) => c.type)).toEqual(['milestone', 'value', 'owner', 'close_date', 'note', 'note']);
    expect(changes[0]).toEqual({ type: 'milestone', from: 'Proposal', to: 'Won', outcome: 'won' });
    expect(changes[2]).toEqual({ type: 'owner', from: 'Ana', to: 'Bo' });
    expect(changes.slice(4).map((c) => (c.type === 'note' ? c.subject : ''))).toEqual(['S2', 'S3']);
  });

  it('a snapshot of the same observation diffs to nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          milestone: fc.string({ maxLength: 10 }),
          value: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }),
          notes: fc.uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 30 }),
        }),
        ({ milestone, value, notes }) => {
          const seen = dealSeen(
            deal({ milestone, expected_value: value }),
            notes.map((n) => note(String(n), n)),
          );
          const stored = parseSnapshot(JSON.stringify(snapshotOf(seen)), 'deal');
          expect(diffRecord(stored, seen, never)).toEqual([]);
        },
      ),
    );
  });

  it('a stored snapshot of another kind, or broken JSON, is a new baseline', () => {
    expect(parseSnapshot('{"kind":"ticket","messageIds":[]}', 'deal')).toBeNull();
    expect(parseSnapshot('{oops', 'deal')).toBeNull();
  });
});

describe('follow messages', () => {
  const ref: RecordRef = { kind: 'deal', recordId: '1', label: '<!channel> Acme & co' };

  it('won is broadcast, notes are not, and a flood of notes is cut with a count', () => {
    const before = snapshotOf(dealSeen(deal()));
    const notes = Array.from({ length: 14 }, (_, i) => note(String(i + 10), i + 10));
    const out = messagesFor(
      ref,
      diffRecord(before, dealSeen(deal({ milestone: 'Won' }), notes), () => 'won'),
    );
    expect(out.map((m) => m.broadcast)).toEqual([true, ...Array(10).fill(false), false]);
    expect(out.at(-1)?.message.text).toContain('4 more');
    for (const { message } of out) {
      expect(validateMessage(message)).toEqual([]);
      expect(message.text).not.toContain('<!channel>');
    }
  });

  it('the following list and the choices stay within Block Kit limits for many records', () => {
    const follows = Array.from({ length: 60 }, (_, i) => ({
      id: `f${i}`,
      ref: { kind: 'deal' as const, recordId: String(i), label: `Deal ${'x'.repeat(300)} ${i}` },
    }));
    const list = buildFollowingList(follows);
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(validateMessage(list)).toEqual([]);
    const choices = buildFollowChoices(
      'x',
      follows.map((f) => ({ id: f.ref.recordId, name: f.ref.label })),
    );
    expect(validateMessage(choices)).toEqual([]);
  });

  it('links records only for a real Agile domain', () => {
    expect(recordUrl('acme', 'deal', '12')).toBe('https://acme.agilecrm.com/#deal/12');
    expect(recordUrl('sandbox', 'deal', '12')).toBeUndefined();
    expect(recordUrl(null, 'ticket', '12')).toBeUndefined();
  });
});
