import { describe, expect, it } from 'vitest';
import {
  type DealFormValues,
  dealErrorBlock,
  dealFormSchema,
  decodeDealMetadata,
  encodeDealMetadata,
} from '../../../src/features/deal/schema.js';
import { AgileError } from '../../../src/platform/agile/index.js';
import { parseForm } from '../../../src/platform/slack/form-flow.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

const TRACKS = [
  { id: '1', name: 'Sales', milestones: ['New', 'Prospect', 'Won', 'Lost'] },
  { id: '2', name: 'Renewals', milestones: ['Upcoming', 'Renewed', 'Churned'] },
];

const form = (over: Partial<DealFormValues> = {}): DealFormValues => ({
  dealName: 'Deal',
  value: '100',
  track: '1',
  milestone: 'New',
  contact: [],
  ...over,
});

const parse = (values: DealFormValues) => parseForm(dealFormSchema(TRACKS), values);

describe('the Create deal form schema', () => {
  it('turns a valid form into the draft', () => {
    const r = parse(
      form({
        dealName: '  Deal ',
        probability: '40',
        closeDate: '2030-01-02',
        contact: [{ id: '9', name: 'Eve' }],
        owner: '7',
        description: '  ',
      }),
    );
    expect(r).toEqual({
      ok: true,
      data: {
        name: 'Deal',
        value: 100,
        probability: 40,
        track: TRACKS[0],
        milestone: 'New',
        closeDate: '2030-01-02',
        contactIds: ['9'],
        description: undefined,
        ownerId: '7',
      },
    });
  });

  it.each([
    [{ value: undefined }, BLOCK.value],
    [{ value: '-1' }, BLOCK.value],
    [{ value: String(1e12 + 1) }, BLOCK.value],
    [{ value: 'abc' }, BLOCK.value],
    [{ probability: '101' }, BLOCK.probability],
    [{ probability: '2.5' }, BLOCK.probability],
    [{ dealName: '  ' }, BLOCK.dealName],
    [{ dealName: undefined }, BLOCK.dealName],
    [{ track: '9' }, BLOCK.track],
    [{ milestone: undefined }, BLOCK.milestone],
    [{ milestone: 'won' }, BLOCK.milestone],
    [{ track: '2', milestone: 'Won' }, BLOCK.milestone],
    [{ closeDate: 'soon' }, BLOCK.closeDate],
  ] as const)('refuses %o under %s only', (over, block) => {
    const r = parse(form(over as Partial<DealFormValues>));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([block]);
  });

  it('reports every bad input at once, the track and milestone included', () => {
    const r = parse(form({ value: '2000000000000', probability: '150', track: '2', milestone: 'Won' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(Object.keys(r.errors).sort()).toEqual([BLOCK.milestone, BLOCK.probability, BLOCK.value].sort());
      expect(r.errors[BLOCK.milestone]).toBe('“Won” is not a milestone of Renewals: pick one from the list');
    }
  });

  it('accepts the documented maximum value and probability bounds', () => {
    expect(parse(form({ value: '1000000000000', probability: '100' })).ok).toBe(true);
    expect(parse(form({ value: '0', probability: '0' })).ok).toBe(true);
  });
});

describe('dealErrorBlock', () => {
  const err = (reason: string) =>
    new AgileError({
      kind: 'invalid',
      message: 'Agile CRM answered 400',
      status: 400,
      reason,
    });
  it.each([
    ['expected_value should not exceed 1000000000000', BLOCK.value],
    ['Invalid value for probability: 120', BLOCK.probability],
    ["Milestone 'won' does not exist in track 'Sales'", BLOCK.milestone],
    ['There is no track with id 5', BLOCK.track],
    ['Contact not found with id 5', BLOCK.contact],
    ['No domain user with id 5', BLOCK.owner],
    ['close_date should be epoch seconds', BLOCK.closeDate],
    ['something else', BLOCK.dealName],
  ])('%s → %s', (reason, block) => {
    expect(dealErrorBlock(err(reason))).toBe(block);
  });
});

describe('the Create deal metadata', () => {
  it('round-trips, and drops the tracks (never the channel) past 3,000 characters', () => {
    const meta = { channel: 'C1', timeZone: 'Europe/Paris', tracks: TRACKS };
    expect(decodeDealMetadata(encodeDealMetadata(meta))).toEqual(meta);
    const many = Array.from({ length: 60 }, (_, i) => ({
      id: String(i),
      name: `Track ${i}`,
      milestones: ['A'.repeat(40)],
    }));
    const raw = encodeDealMetadata({ ...meta, tracks: many });
    expect(raw.length).toBeLessThanOrEqual(3000);
    expect(decodeDealMetadata(raw)).toEqual({ channel: 'C1', timeZone: 'Europe/Paris' });
    expect(decodeDealMetadata('not json')).toEqual({});
  });
});
