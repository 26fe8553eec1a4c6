import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildThreadNotes, splitIntoBodies, threadLines } from '../../../src/features/thread/thread-text.js';

const source = {
  channelName: 'sales',
  loggedByName: 'Alice',
  timeZone: 'Europe/Madrid',
  permalink: 'https://x.slack.com/p1',
};

describe('threadLines', () => {
  it('one line per message in time order, names resolved, externals marked, a line per day', () => {
    const speakers = new Map([
      ['U1', { name: 'Alice', external: false }],
      ['U2', { name: 'Eve', external: true }],
    ]);
    const lines = threadLines(
      [
        { ts: '1767268800.000200', userId: 'U2', text: 'hi <@U1>\nsecond line' }, // 2026-01-01 12:00 UTC
        { ts: '1767225600.000100', userId: 'U1', text: 'a &amp; b' }, // 2026-01-01 00:00 UTC
        { ts: '1767355200.000300', botName: 'Zapier', text: 'done' }, // 2026-01-02 12:00 UTC
      ],
      speakers,
      { users: new Map([['U1', 'Alice']]) },
      'Europe/Madrid',
    );
    expect(lines).toEqual([
      '— Thu 1 Jan 2026 —',
      'Alice (01:00): a & b',
      'Eve (external) (13:00): hi @Alice\n  second line',
      '— Fri 2 Jan 2026 —',
      'Zapier (app) (13:00): done',
    ]);
  });
});

describe('splitIntoBodies / buildThreadNotes', () => {
  const line = fc.string({ minLength: 1, maxLength: 400 }).map((s) => s.replace(/\n/g, ' '));

  it('every body fits, nothing is lost or reordered', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 50, max: 2000 }), (lines, max) => {
        const bodies = splitIntoBodies(lines, max);
        for (const b of bodies) expect(b.length).toBeLessThanOrEqual(max);
        const squash = (s: string) => s.replace(/\s+/g, '');
        expect(squash(bodies.join(''))).toBe(squash(lines.join('')));
      }),
    );
  });

  it('notes are numbered (i/n) only when there are several, and each stays under the limit', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 600, max: 5000 }),
        (lines, max) => {
          const notes = buildThreadNotes(lines, source, max);
          for (const n of notes) expect(n.description.length).toBeLessThanOrEqual(max);
          if (notes.length === 1) expect(notes[0]?.subject).toBe('Slack thread in #sales');
          else
            expect(notes.map((n) => n.subject)).toEqual(
              notes.map((_, i) => `Slack thread in #sales (${i + 1}/${notes.length})`),
            );
          for (const n of notes) expect(n.description.endsWith('(times in Europe/Madrid)')).toBe(true);
        },
      ),
    );
  });
});
