import { describe, expect, it } from 'vitest';
import { moveNote } from '../../../src/features/move/move-deal.js';

describe('moveNote', () => {
  it('writes the reason, the note and who moved it; nothing when both are empty', () => {
    const n = moveNote(
      { dealId: '1', milestone: 'Lost', reason: 'Budget', note: 'Q3', actorName: 'Alice' },
      'New',
      'Lost',
    );
    expect(n?.description).toBe('Reason: Budget\n\nQ3\n\nMoved from New to Lost from Slack by Alice.');
    expect(moveNote({ dealId: '1', milestone: 'Won', actorName: 'A' }, 'New', 'Won')).toBeUndefined();
  });
});
