import { describe, expect, it, vi } from 'vitest';
import type { AgileSimulator, TaskRecord } from '../../../src/devkit/sandbox/agile-simulator.js';
import { fetchActivity } from '../../../src/features/contact-card/use-case.js';
import { classifyLookupQuery } from '../../../src/features/contacts/lookup-query.js';
import {
  createContactFromEmail,
  fallbackTerms,
  findContacts,
  lookupContacts,
  namesFromEmail,
  phoneForms,
} from '../../../src/features/lookup/use-case.js';
import { type AgileClient, getFullName } from '../../../src/platform/agile/index.js';
import { useClientAndSimulator } from '../../platform/agile/sim.js';

let sim: AgileSimulator;
let agile: AgileClient;
useClientAndSimulator((started) => {
  ({ sim, client: agile } = started);
});

const find = async (q: string) =>
  (await findContacts(agile, classifyLookupQuery(q))).map((c) => getFullName(c));
const idOf = (email: string) => {
  const c = sim.state.contacts.find((x) => x.properties.some((p) => p.name === 'email' && p.value === email));
  if (!c) throw new Error(email);
  return c.id;
};
const NOW_MS = Date.UTC(2026, 10, 28, 12);
const clock = () => new Date(NOW_MS);
const searchPaths = () => sim.requests.map((r) => decodeURIComponent(r.path.replace(/^\/dev\//, '')));

describe('resolution cascade', () => {
  it('email: as typed first, and stops there', async () => {
    expect(await find('ada.lovelace@northwind.example.com')).toEqual(['Ada Lovelace']);
    expect(searchPaths()).toEqual(['api/contacts/search/email/ada.lovelace@northwind.example.com']);
  });

  it('email: then lower-cased, then a case-insensitive full-text match', async () => {
    expect(await find('ADA.LOVELACE@NORTHWIND.EXAMPLE.COM')).toEqual(['Ada Lovelace']);
    expect(searchPaths()).toEqual([
      'api/contacts/search/email/ADA.LOVELACE@NORTHWIND.EXAMPLE.COM',
      'api/contacts/search/email/ada.lovelace@northwind.example.com',
    ]);
    sim.requests.length = 0;
    expect(await find('grace.hopper@example.com')).toEqual(['Grace Hopper']);
    expect(searchPaths().at(-1)).toBe('api/search');
  });

  it('email: nobody → empty, and the lookup offers that email', async () => {
    expect(await lookupContacts(agile, 'nobody@nowhere.example.com', { now: clock })).toEqual({
      kind: 'not_found',
      email: 'nobody@nowhere.example.com',
    });
    expect(await lookupContacts(agile, 'Qwertyuiop', { now: clock })).toEqual({ kind: 'not_found' });
  });

  it('phone: any common format finds the stored number', async () => {
    for (const q of ['+1 206 555 0101', '+12065550101', '(206) 555-0101', '12065550101']) {
      expect(await find(q)).toEqual(['Ada Lovelace']);
    }
  });

  it('phone forms: as typed, +digits, digits', () => {
    expect(phoneForms(' +1 (206) 555-0101 ')).toEqual(['+1 (206) 555-0101', '+12065550101', '12065550101']);
    expect(phoneForms('2065550101')).toEqual(['2065550101', '+2065550101']);
  });

  it('name: people and companies, re-ranked; a typo still finds the person', async () => {
    expect((await find('ada lovelace'))[0]).toBe('Ada Lovelace');
    expect((await find('Ada Lovelcae'))[0]).toBe('Ada Lovelace');
    expect((await find('hopepr'))[0]).toBe('Grace Hopper');
    const acme = await find('acme robotics');
    expect(acme[0]).toBe('Acme Robotics');
    expect(acme).toContain('Alan Turing');
    const types = sim.requests.filter((r) => r.path.endsWith('api/search')).map((r) => r.query.type);
    expect(types).toContain('COMPANY');
    expect(types).toContain('PERSON');
  });

  it('fallback terms: words and prefixes of long words, capped', () => {
    expect(fallbackTerms(['Ada', 'Lovelcae'])).toEqual(['ada', 'lovelcae', 'lov']);
    expect(fallbackTerms(['a', 'b'])).toEqual([]);
    expect(fallbackTerms(['aaaaaa', 'bbbbbb', 'cccccc']).length).toBeLessThanOrEqual(4);
  });

  it('an Agile failure in the search surfaces (not "not found")', async () => {
    sim.faults.failNext(1, 401);
    await expect(
      lookupContacts(agile, 'ada.lovelace@northwind.example.com', { now: clock }),
    ).rejects.toMatchObject({
      kind: 'auth',
    });
  });
});

describe('activity', () => {
  it('open tasks soonest first, open deals only, latest notes first', async () => {
    const id = idOf('ada.lovelace@northwind.example.com');
    const base = sim.state.tasks[0] as TaskRecord;
    const now = Math.floor(Date.now() / 1000);
    sim.state.tasks = sim.state.tasks.filter((t) => !t.contactIds.includes(id));
    sim.state.tasks.push(
      {
        ...base,
        id: '7000000000000001',
        subject: 'later',
        dueEpochSec: now + 5000,
        isComplete: false,
        status: 'YET_TO_START',
        contactIds: [id],
      },
      {
        ...base,
        id: '7000000000000002',
        subject: 'sooner',
        dueEpochSec: now + 100,
        isComplete: false,
        status: 'IN_PROGRESS',
        contactIds: [id],
      },
      {
        ...base,
        id: '7000000000000003',
        subject: 'done',
        dueEpochSec: now + 50,
        isComplete: true,
        status: 'COMPLETED',
        contactIds: [id],
      },
    );
    sim.state.notes.push(
      {
        id: '7100000000000001',
        subject: 'old',
        description: '',
        createdEpochSec: now - 1000,
        contactIds: [id],
        dealIds: [],
        ownerId: '',
      },
      {
        id: '7100000000000002',
        subject: 'new',
        description: '',
        createdEpochSec: now,
        contactIds: [id],
        dealIds: [],
        ownerId: '',
      },
    );
    const open = sim.state.deals.find((d) => d.contactIds.includes(id));
    if (!open) throw new Error('seed: Ada has a deal');
    sim.state.deals.push({ ...open, id: '7200000000000001', milestone: 'Won' });
    const dealId = open.id;
    const activity = await fetchActivity(agile, id, clock);
    expect(activity.tasks).toMatchObject({ ok: true, total: 2 });
    expect(activity.tasks.ok && activity.tasks.items.map((t) => t.subject)).toEqual(['sooner', 'later']);
    expect(activity.notes.ok && activity.notes.items.map((n) => n.subject)).toEqual(['new', 'old']);
    expect(activity.deals.ok && activity.deals.items.map((d) => d.id)).toEqual([dealId]);
    // Stamped with the injected clock, so the card can tell overdue tasks.
    expect(activity.asOfEpochSec).toBe(NOW_MS / 1000);
  });

  it('a failing fetch makes only its part unavailable', async () => {
    const id = idOf('ada.lovelace@northwind.example.com');
    sim.state.tasks.push({
      ...(sim.state.tasks[0] as TaskRecord),
      id: '7000000000000009',
      subject: 42 as never,
      contactIds: [id],
    });
    const activity = await fetchActivity(agile, id, clock);
    expect(activity.tasks).toEqual({ ok: false });
    expect(activity.deals.ok).toBe(true);
    expect(activity.notes.ok).toBe(true);
  });

  it('fetches the parts of every card in parallel', async () => {
    sim.faults.latencyMs = 150;
    const lookup = lookupContacts(agile, 'acme robotics', { now: clock });
    // In parallel, the 15 activity reads (5 cards × tasks, deals, notes) wait on the CRM together.
    await vi.waitFor(() => expect(sim.requests.filter((r) => r.status === 0).length).toBe(15), {
      timeout: 2000,
      interval: 10,
    });
    const result = await lookup;
    expect(result.kind === 'found' && result.cards).toHaveLength(5);
  });
});

describe('match counts', () => {
  it('counts a company apart from its people', async () => {
    const result = await lookupContacts(agile, 'acme robotics', { now: clock });
    if (result.kind !== 'found') throw new Error('seed: Acme Robotics matches');
    const companies = sim.state.companies.filter((c) =>
      c.properties.some((p) => p.name === 'name' && p.value === 'Acme Robotics'),
    ).length;
    expect(companies).toBe(1);
    expect(result.counts).toEqual({ companies: 1, people: result.total - 1 });
    expect(result.counts.people).toBeGreaterThan(1);
  });
});

describe('create contact from email', () => {
  it('derives the required first name from the local part', () => {
    expect(namesFromEmail('ana.lopez+crm@x.com')).toEqual({ firstName: 'Ana', lastName: 'Lopez' });
    expect(namesFromEmail('BOB@x.com')).toEqual({ firstName: 'Bob' });
    expect(namesFromEmail('1234@x.com')).toEqual({ firstName: '1234' });
  });

  it('keeps hyphens and apostrophes inside a name, each piece capitalised', () => {
    expect(namesFromEmail('jane.o-brien@x.com')).toEqual({ firstName: 'Jane', lastName: 'O-Brien' });
    expect(namesFromEmail("sean.o'neil@x.com")).toEqual({ firstName: 'Sean', lastName: "O'Neil" });
    expect(namesFromEmail('JEAN-LUC_PICARD@x.com')).toEqual({ firstName: 'Jean-Luc', lastName: 'Picard' });
    expect(namesFromEmail('ana-lopez@x.com')).toEqual({ firstName: 'Ana', lastName: 'Lopez' });
    expect(namesFromEmail('-jo-.smith@x.com')).toEqual({ firstName: 'Jo', lastName: 'Smith' });
  });

  it('makes the given Agile user the owner of a new contact; without one the API user stays', async () => {
    const [apiUser, alice] = sim.state.users;
    if (!apiUser || !alice) throw new Error('seed users');
    const owned = await createContactFromEmail(agile, 'owned.one@x.example.com', { ownerEmail: alice.email });
    expect(owned).toMatchObject({ created: true, contact: { owner: { email: alice.email } } });
    expect(owned.ownerError).toBeUndefined();
    const record = (id: string) => sim.state.contacts.find((c) => c.id === id);
    expect(record(owned.contact.id)?.ownerId).toBe(alice.id);

    const plain = await createContactFromEmail(agile, 'plain.one@x.example.com');
    expect(record(plain.contact.id)?.ownerId).toBe(apiUser.id);
    // An owner email Agile does not know: the contact is still created, owned by the API user.
    const stray = await createContactFromEmail(agile, 'stray.one@x.example.com', {
      ownerEmail: 'ghost@x.example.com',
    });
    expect(stray.created).toBe(true);
    expect(stray.ownerError).toBeDefined();
    expect(record(stray.contact.id)?.ownerId).toBe(apiUser.id);
    // An existing contact keeps its owner.
    const again = await createContactFromEmail(agile, 'plain.one@x.example.com', { ownerEmail: alice.email });
    expect(again.created).toBe(false);
    expect(record(plain.contact.id)?.ownerId).toBe(apiUser.id);
    expect(sim.requests.filter((r) => r.path.endsWith('api/contacts/change-owner'))).toHaveLength(2);
  });

  it('creates once; an existing email (any case) is returned, not duplicated', async () => {
    const first = await createContactFromEmail(agile, 'new.person@x.example.com');
    expect(first.created).toBe(true);
    expect(getFullName(first.contact)).toBe('New Person');
    const again = await createContactFromEmail(agile, 'new.person@x.example.com');
    expect(again).toMatchObject({ created: false, contact: { id: first.contact.id } });
    const grace = await createContactFromEmail(agile, 'grace.hopper@example.com');
    expect(grace.created).toBe(false);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('api/contacts'))).toHaveLength(
      1,
    );
  });
});

describe('name search keeps what Agile matched', () => {
  it('a title match the ranker cannot score is still shown', async () => {
    const found = await find('Procurement Manager');
    expect(found).toEqual(['Barbara Liskov']);
  });
});
