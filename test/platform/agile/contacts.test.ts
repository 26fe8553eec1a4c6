import { describe, expect, it } from 'vitest';
import { type AgileSimulator, BIG_ID_CONTACT_ID } from '../../../src/devkit/sandbox/agile-simulator.js';
import {
  type AgileClient,
  AgileError,
  buildContactProperties,
  collect,
  getEmails,
  getFirstName,
  getPrimaryEmail,
  systemProperty,
} from '../../../src/platform/agile/index.js';
import { describeAgileError } from '../../../src/platform/slack/error-words.js';
import { clientFor, failureOf, lastRequest, requestsTo, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

function seededEmail(index = 0): string {
  const contact = sim.state.contacts[index];
  const email = contact && getPrimaryEmail(contact as never);
  if (!email) throw new Error('seed has no contact email');
  return email;
}

function seededPhone(): string {
  const phone = sim.state.contacts[0]?.properties.find((p) => p.name === 'phone')?.value;
  if (!phone) throw new Error('seed has no phone');
  return phone;
}

describe('contacts against the simulator', () => {
  it('gets a contact by id with the exact big id, and 204 → null', async () => {
    const contact = await client.contacts.get(BIG_ID_CONTACT_ID);
    expect(contact?.id).toBe('9007199254740993');
    expect(await client.contacts.get('5000000000000001')).toBeNull();
    expect(requestsTo(sim, 'GET', '/dev/api/contacts/5000000000000001')).toHaveLength(1);
  });

  it('writes a big id back exactly (read, then edit-properties)', async () => {
    const contact = await client.contacts.get(BIG_ID_CONTACT_ID);
    if (!contact) throw new Error('missing');
    const updated = await client.contacts.updateProperties(contact.id, [
      systemProperty('title', 'Chief Tester'),
    ]);
    expect(lastRequest(sim).body).toContain('"id":"9007199254740993"');
    expect(updated.id).toBe('9007199254740993');
    expect(updated.properties.find((p) => p.name === 'title')?.value).toBe('Chief Tester');
  });

  it('sends Accept: application/json and Basic auth on every call', async () => {
    await client.contacts.get(BIG_ID_CONTACT_ID);
    await client.contacts.searchByEmails([seededEmail()]);
    await client.companies.listPage({ pageSize: 2 });
    await client.users.list();
    expect(sim.requests.length).toBeGreaterThanOrEqual(4);
    for (const r of sim.requests) {
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers.authorization).toMatch(/^Basic /);
    }
  });

  it('searches by email (GET) and by phone', async () => {
    const email = seededEmail();
    expect(getEmails((await client.contacts.searchByEmail(email)) ?? { properties: [] })[0]?.value).toBe(
      email,
    );
    expect(await client.contacts.searchByEmail('nobody@nowhere.example')).toBeNull();
    const byPhone = await client.contacts.searchByPhone(seededPhone());
    expect(byPhone?.id).toBe(sim.state.contacts[0]?.id);
    expect(await client.contacts.searchByPhone('0000000')).toBeNull();
  });

  it('searches several emails with the form POST, keeping null entries', async () => {
    const found = await client.contacts.searchByEmails([
      seededEmail(0),
      'nobody@nowhere.example',
      seededEmail(1),
    ]);
    expect(found).toHaveLength(3);
    expect(found[0]?.id).toBe(sim.state.contacts[0]?.id);
    expect(found[1]).toBeNull();
    expect(found[2]?.id).toBe(sim.state.contacts[1]?.id);
    const r = lastRequest(sim);
    expect(r.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(new URLSearchParams(r.body).get('email_ids')).toBe(
      JSON.stringify([seededEmail(0), 'nobody@nowhere.example', seededEmail(1)]),
    );
  });

  it('full-text searches people and companies', async () => {
    const first = getFirstName(sim.state.contacts[0] as never) ?? '';
    const people = await client.contacts.search(first, { type: 'PERSON', pageSize: 5 });
    expect(people.some((c) => c.id === sim.state.contacts[0]?.id)).toBe(true);
    const companyName = sim.state.companies[0]?.properties.find((p) => p.name === 'name')?.value ?? '';
    const companies = await client.companies.search(companyName);
    expect(companies[0]?.type).toBe('COMPANY');
    expect(await client.contacts.search('zzzqqqnothing')).toEqual([]);
    expect(lastRequest(sim).query).toMatchObject({ q: 'zzzqqqnothing', type: 'PERSON' });
  });

  it('creates a contact, refuses a duplicate email, and find-or-create reuses it', async () => {
    const properties = buildContactProperties({
      firstName: 'Samson',
      lastName: 'Nolan',
      emails: ['samson@nolan.example'],
    });
    const created = await client.contacts.create({ properties, tags: ['Lead'] });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.tags).toEqual(['Lead']);

    const duplicate = await failureOf(client.contacts.create({ properties }));
    expect(duplicate).toBeInstanceOf(AgileError);
    expect((duplicate as AgileError).kind).toBe('invalid');
    expect((duplicate as AgileError).reason).toContain('duplicate');

    const again = await client.contacts.findOrCreate({ properties });
    expect(again).toEqual({ contact: expect.objectContaining({ id: created.id }), created: false });
    const fresh = await client.contacts.findOrCreate({
      properties: buildContactProperties({ firstName: 'New', emails: ['new.person@example.org'] }),
    });
    expect(fresh.created).toBe(true);
    expect(sim.state.contacts.some((c) => c.id === fresh.contact.id)).toBe(true);
  });

  it('a 400 reads clearly', async () => {
    const err = await failureOf(
      client.contacts.create({ properties: [systemProperty('last_name', 'No First Name')] }),
    );
    expect(err).toBeInstanceOf(AgileError);
    expect(err.kind).toBe('invalid');
    expect(err.status).toBe(400);
    expect(err.reason).toContain('first_name');
  });

  it('edits tags, lead score and star value', async () => {
    const id = sim.state.contacts[0]?.id ?? '';
    expect((await client.contacts.addTags(id, ['Hot lead'])).tags).toContain('Hot lead');
    await client.contacts.removeTags(id, ['Hot lead']);
    expect(sim.state.contacts[0]?.tags.some((t) => t.tag === 'Hot lead')).toBe(false);
    expect((await client.contacts.setLeadScore(id, 42)).lead_score).toBe(42);
    expect((await client.contacts.setStarValue(id, 5)).star_value).toBe(5);
    expect(lastRequest(sim).body).toBe(JSON.stringify({ id, star_value: 5 }));
  });

  it('adds and removes tags and score by email (form posts answering 204/200)', async () => {
    const email = seededEmail(3);
    await client.contacts.addTagsByEmail(email, ['VIP customer']);
    expect(new URLSearchParams(lastRequest(sim).body).get('tags')).toBe('["VIP customer"]');
    expect(sim.state.contacts[3]?.tags.some((t) => t.tag === 'VIP customer')).toBe(true);
    await client.contacts.removeTagsByEmail(email, ['VIP customer']);
    expect(sim.state.contacts[3]?.tags.some((t) => t.tag === 'VIP customer')).toBe(false);
    const before = sim.state.contacts[3]?.leadScore ?? 0;
    const after = await client.contacts.addScoreByEmail(email, 10);
    expect(after?.lead_score).toBe(before + 10);
  });

  it('changes the owner (form) and maps the 200 text answer for an unknown user', async () => {
    const id = sim.state.contacts[0]?.id ?? '';
    const user = sim.state.users[1];
    if (!user) throw new Error('seed has < 2 users');
    const changed = await client.contacts.changeOwner(id, user.email);
    expect(changed.owner?.id).toBe(user.id);
    expect(new URLSearchParams(lastRequest(sim).body).get('contact_id')).toBe(id);
    const err = await failureOf(client.contacts.changeOwner(id, 'ghost@nowhere.example'));
    expect(err.kind).toBe('not_found');
  });

  it('pages through every contact with the iterator and strips cursor/count', async () => {
    const all = await collect(client.contacts.iterate({ pageSize: 7 }));
    expect(all.map((c) => c.id)).toEqual(sim.state.contacts.map((c) => c.id));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) {
      expect(c).not.toHaveProperty('cursor');
      expect(c).not.toHaveProperty('count');
    }
    const pages = requestsTo(sim, 'GET', '/dev/api/contacts');
    expect(pages).toHaveLength(Math.ceil(sim.state.contacts.length / 7));
    expect(pages[0]?.query.page_size).toBe('7');

    const first = await client.contacts.listPage({ pageSize: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.cursor).toBeTruthy();
  });

  it('stops with an error when the CRM repeats a cursor', async () => {
    const first = await client.contacts.listPage({ pageSize: 2 });
    // The second page answers with the first page's cursor again.
    sim.faults.failNext(1, 200, JSON.stringify([{ id: 1 }, { id: 2, cursor: first.cursor }]));
    const firstPageAgain = await client.contacts.listPage({ pageSize: 2 });
    expect(firstPageAgain.cursor).toBe(first.cursor);
    sim.reset();
    let calls = 0;
    const iterator = client.contacts.iterate({ pageSize: 2 });
    const run = async () => {
      for await (const _ of iterator) {
        calls++;
        if (calls === 2)
          sim.faults.failNext(1, 200, JSON.stringify([{ id: 3 }, { id: 4, cursor: first.cursor }]));
      }
    };
    await expect(run()).rejects.toMatchObject({ kind: 'bad_response' });
    expect(calls).toBe(4);
  });

  it('filters contacts with the dynamic filter (form with filterJson) and pages', async () => {
    const tag = sim.state.contacts[0]?.tags[0]?.tag;
    if (!tag) throw new Error('seed contact has no tag');
    const hits = await collect(
      client.contacts.iterateFilter(
        { rules: [{ LHS: 'tags', CONDITION: 'EQUALS', RHS: tag }], contact_type: 'PERSON' },
        { pageSize: 2 },
      ),
    );
    const expected = sim.state.contacts.filter((c) => c.tags.some((t) => t.tag === tag)).map((c) => c.id);
    expect(hits.map((c) => c.id).sort()).toEqual([...expected].sort());
    const form = new URLSearchParams(lastRequest(sim).body);
    expect(JSON.parse(form.get('filterJson') ?? '')).toMatchObject({
      contact_type: 'PERSON',
      rules: [{ RHS: tag }],
    });
  });

  it('deletes a contact (204)', async () => {
    const id = sim.state.contacts[5]?.id ?? '';
    await client.contacts.delete(id);
    expect(await client.contacts.get(id)).toBeNull();
  });
});

describe('companies and users against the simulator', () => {
  it('creates, gets, lists (form paging) and iterates companies', async () => {
    const created = await client.companies.create({
      properties: [systemProperty('name', 'Spicejet'), systemProperty('url', 'http://www.spicejet.com/')],
    });
    expect(created.type).toBe('COMPANY');
    expect((await client.companies.get(created.id))?.id).toBe(created.id);
    const first = await client.companies.listPage({ pageSize: 2 });
    expect(first.items).toHaveLength(2);
    const form = new URLSearchParams(lastRequest(sim).body);
    expect(form.get('page_size')).toBe('2');
    expect(form.get('global_sort_key')).toBe('-created_time');
    const all = await collect(client.companies.iterate({ pageSize: 2 }));
    expect(all.map((c) => c.id).sort()).toEqual(sim.state.companies.map((c) => c.id).sort());
  });

  it('lists the domain users and the current user with exact ids', async () => {
    const users = await client.users.list();
    expect(users.map((u) => u.id)).toEqual(sim.state.users.map((u) => u.id));
    const me = await client.users.current();
    expect(me.email).toBe(sim.credentials.email);
    expect(me.id).toBe('5629585249009664');
  });
});

describe('auth', () => {
  it('a 401 says how to reconnect (or fix AGILE_EMAIL / AGILE_API_KEY), without leaking the key', async () => {
    const wrong = clientFor(sim, { apiKey: 'wrong-key', retries: 0 });
    const err = await failureOf(wrong.contacts.get('1'));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(describeAgileError(err)).toContain('fix AGILE_EMAIL / AGILE_API_KEY');
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('wrong-key');
    expect(requestsTo(sim, 'GET', '/dev/api/contacts/1')).toHaveLength(1);
  });
});
