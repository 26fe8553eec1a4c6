import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, rankContacts, scoreContact } from '../../../src/features/contacts/ranking.js';
import type { Contact } from '../../../src/platform/agile/index.js';

let seq = 0;
function person(first: string, last: string, email?: string, company?: string): Contact {
  seq += 1;
  const properties = [
    { type: 'SYSTEM', name: 'first_name', value: first },
    { type: 'SYSTEM', name: 'last_name', value: last },
    ...(email ? [{ type: 'SYSTEM', name: 'email', subtype: 'work', value: email }] : []),
    ...(company ? [{ type: 'SYSTEM', name: 'company', value: company }] : []),
  ];
  return {
    id: String(5_000_000_000_000_000 + seq),
    type: 'PERSON',
    tags: [],
    tagsWithTime: [],
    properties,
  } as unknown as Contact;
}
function company(name: string): Contact {
  seq += 1;
  return {
    id: String(5_100_000_000_000_000 + seq),
    type: 'COMPANY',
    tags: [],
    tagsWithTime: [],
    properties: [{ type: 'SYSTEM', name: 'name', value: name }],
  } as unknown as Contact;
}

const names = (cs: Contact[]) =>
  cs.map((c) =>
    c.properties
      .filter((p) => p.name !== 'email' && p.name !== 'company')
      .map((p) => p.value)
      .join(' '),
  );

describe('foldText', () => {
  it('case-folds, strips accents and apostrophes, keeps email characters', () => {
    expect(foldText("  José O'Neil ")).toBe('jose oneil');
    expect(foldText('Grace.Hopper@Example.COM')).toBe('grace.hopper@example.com');
    expect(foldText('a--b__c')).toBe('a b c');
  });
});

describe('scoreContact / rankContacts', () => {
  const ada = person('Ada', 'Lovelace', 'ada@northwind.example.com', 'Northwind Traders');
  const adam = person('Adam', 'Smith', 'adam@smith.example.com');
  const grace = person('Grace', 'Hopper', 'Grace.Hopper@Example.com', 'Northwind Traders');
  const lovelace = person('Linda', 'Lovelace-Jones', 'linda@example.com');

  it('is case-folded', () => {
    expect(scoreContact('ADA LOVELACE', ada)).toBe(scoreContact('ada lovelace', ada));
    expect(scoreContact('grace.hopper@example.com', grace)).toBeGreaterThan(0);
  });

  it('scores token overlap: more matching words score higher', () => {
    expect(scoreContact('ada lovelace', ada)).toBeGreaterThan(scoreContact('ada turing', ada));
    expect(scoreContact('ada turing', ada)).toBeGreaterThan(scoreContact('bob turing', ada));
    expect(scoreContact('northwind', ada)).toBeGreaterThan(0);
  });

  it('tolerates small typos, transpositions included, but not unrelated words', () => {
    expect(scoreContact('ada lovelase', ada)).toBeGreaterThan(0.3);
    expect(scoreContact('lovelcae', ada)).toBeGreaterThan(0);
    expect(scoreContact('hopepr', grace)).toBeGreaterThan(0);
    expect(scoreContact('zzzzzz', ada)).toBe(0);
    // Three-letter words must match exactly or as a prefix.
    expect(scoreContact('adx', ada)).toBe(0);
  });

  it('puts the exact full-name match first', () => {
    const ranked = rankContacts('ada lovelace', [lovelace, adam, grace, ada]);
    expect(names(ranked)[0]).toBe('Ada Lovelace');
    expect(ranked).not.toContain(grace);
  });

  it('ranks a company by its own name', () => {
    const acme = company('Acme Robotics');
    const worker = person('Alan', 'Turing', 'alan@acme.example.com', 'Acme Robotics');
    expect(rankContacts('Acme Robotics', [worker, acme])[0]).toBe(acme);
  });

  it('drops contacts matching no word and keeps ties in the given order', () => {
    const a = person('Sam', 'One');
    const b = person('Sam', 'Two');
    expect(rankContacts('sam', [b, a, ada])).toEqual([b, a]);
  });

  const contactArb = fc
    .record({
      first: fc.string({ maxLength: 30 }),
      last: fc.string({ maxLength: 30 }),
      email: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      company: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    })
    .map((r) => person(r.first, r.last, r.email, r.company));

  it('property: never throws and scores stay in [0, 1]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), contactArb, (q, c) => {
        const s = scoreContact(q, c);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('property: an exact full-name match ranks first', () => {
    const word = fc.stringMatching(/^[A-Za-z]{2,10}$/);
    fc.assert(
      fc.property(word, word, fc.array(contactArb, { maxLength: 8 }), (first, last, others) => {
        const target = person(first, last);
        const ranked = rankContacts(`${first} ${last}`, [...others, target]);
        const best = ranked[0];
        expect(best).toBeDefined();
        // Another contact may share the exact same folded name; then it ties, never beats.
        expect(scoreContact(`${first} ${last}`, best as Contact)).toBe(
          scoreContact(`${first} ${last}`, target),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('property: ranking only reorders and filters its input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.array(contactArb, { maxLength: 10 }), (q, cs) => {
        const ranked = rankContacts(q, cs);
        expect(ranked.length).toBeLessThanOrEqual(cs.length);
        for (const c of ranked) expect(cs).toContain(c);
        for (let i = 1; i < ranked.length; i++) {
          expect(scoreContact(q, ranked[i - 1] as Contact)).toBeGreaterThanOrEqual(
            scoreContact(q, ranked[i] as Contact),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
