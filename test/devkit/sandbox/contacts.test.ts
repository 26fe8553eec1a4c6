import { describe, expect, it } from 'vitest';
import { BIG_ID_CONTACT_ID } from '../../../src/devkit/sandbox/agile-simulator.js';
import { basic, call, json, prop, useSimulator } from './sim-fetch.js';

const fixedNow = new Date('2025-03-10T12:00:00Z');

const sim = useSimulator({ now: () => fixedNow });

describe('auth and content negotiation', () => {
  it('answers 401 with a plain-text body without or with wrong credentials', async () => {
    const missing = await call(sim, 'api/contacts', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.contentType).toContain('text/plain');
    expect(missing.text.length).toBeGreaterThan(0);
    const wrong = await call(sim, 'api/contacts', { auth: basic(sim.credentials.email, 'nope') });
    expect(wrong.status).toBe(401);
    const wrongUser = await call(sim, 'api/contacts', {
      auth: basic('other@example.com', sim.credentials.apiKey),
    });
    expect(wrongUser.status).toBe(401);
  });

  it('answers XML by default and JSON only when Accept asks for it', async () => {
    const xml = await call(sim, `api/contacts/${BIG_ID_CONTACT_ID}`, { accept: null });
    expect(xml.status).toBe(200);
    expect(xml.contentType).toContain('application/xml');
    expect(xml.text).toMatch(/^<\?xml[^>]*\?><contact><id>9007199254740993<\/id>/);
    const other = await call(sim, `api/contacts/${BIG_ID_CONTACT_ID}`, { accept: 'text/html' });
    expect(other.contentType).toContain('application/xml');
    const js = await call(sim, `api/contacts/${BIG_ID_CONTACT_ID}`);
    expect(js.contentType).toContain('application/json');
    expect(json(js).id).toBe(BIG_ID_CONTACT_ID);
  });

  it('escapes special characters in XML', async () => {
    const xml = await call(sim, `api/contacts/${BIG_ID_CONTACT_ID}`, { accept: 'application/xml' });
    expect(xml.text).toContain('&lt;!channel&gt; Eve');
    expect(xml.text).not.toContain('<!channel>');
  });
});

describe('ids', () => {
  it('emits contact ids and created times as strings (as the reference shows), exact above 2^53', async () => {
    const res = await call(sim, `api/contacts/${BIG_ID_CONTACT_ID}`);
    expect(res.text).toContain('"id":"9007199254740993",');
    expect(res.text).toMatch(/"created_time":"\d+"/);
    const list = await call(sim, 'api/contacts');
    const ids = [...list.text.matchAll(/"id":"(\d+)"/g)].map((m) => BigInt(m[1] ?? '0'));
    expect(ids.length).toBeGreaterThanOrEqual(30);
    for (const id of ids) {
      expect(id >= 2n ** 52n).toBe(true);
    }
  });

  it('accepts ids as numbers or strings in bodies, losslessly', async () => {
    const asNumber = await call(sim, 'api/contacts/edit/lead-score', {
      method: 'PUT',
      jsonText: `{"id": ${BIG_ID_CONTACT_ID}, "lead_score": 42}`,
    });
    expect(json(asNumber).lead_score).toBe('42');
    const asString = await call(sim, 'api/contacts/edit/add-star', {
      method: 'PUT',
      json: { id: BIG_ID_CONTACT_ID, star_value: 3 },
    });
    expect(json(asString).star_value).toBe('3');
    expect(sim.state.contacts.find((c) => c.id === BIG_ID_CONTACT_ID)?.leadScore).toBe(42);
  });
});

describe('contacts', () => {
  it('answers 204 for an unknown contact id and an unmatched email', async () => {
    expect((await call(sim, 'api/contacts/5629585249000001')).status).toBe(204);
    const none = await call(sim, 'api/contacts/search/email/nobody@example.com');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
  });

  it('searches by email case-sensitively', async () => {
    const exact = await call(
      sim,
      `api/contacts/search/email/${encodeURIComponent('Grace.Hopper@Example.com')}`,
    );
    expect(prop(json(exact), 'first_name')).toBe('Grace');
    expect((await call(sim, 'api/contacts/search/email/grace.hopper@example.com')).status).toBe(204);
  });

  it('POST search/email takes email_ids as JSON inside a form value and answers {} for misses', async () => {
    const res = await call(sim, 'api/contacts/search/email', {
      form: { email_ids: JSON.stringify(['Grace.Hopper@Example.com', 'missing@example.com']) },
    });
    const found = json<({ properties: { name: string; value: string }[] } | null)[]>(res);
    expect(found).toHaveLength(2);
    expect(found[0] && prop(found[0], 'first_name')).toBe('Grace');
    // Reference: "If email doesn't match, it will return an empty object."
    expect(found[1]).toEqual({});
    const none = await call(sim, 'api/contacts/search/email', {
      form: { email_ids: JSON.stringify(['missing@example.com']) },
    });
    expect(json(none)).toEqual({});
  });

  it('rejects a JSON body on a form endpoint', async () => {
    const res = await call(sim, 'api/contacts/search/email', { json: { email_ids: ['x@example.com'] } });
    expect(res.status).toBe(415);
  });

  it('searches by phone and full text', async () => {
    const phone = await call(sim, `api/contacts/search/phonenumber/${encodeURIComponent('+1 415 555 0143')}`);
    expect(prop(json(phone), 'last_name')).toBe('Turing');
    expect((await call(sim, 'api/contacts/search/phonenumber/000')).status).toBe(204);
    const people = json<unknown[]>(await call(sim, 'api/search?q=acme&page_size=50&type=PERSON'));
    expect(people.length).toBeGreaterThanOrEqual(5);
    const companies = json<{ type: string }[]>(
      await call(sim, 'api/search?q=globex&page_size=10&type=COMPANY'),
    );
    expect(companies.map((c) => c.type)).toEqual(['COMPANY']);
    expect((await call(sim, 'api/search?q=acme&type=PERSON')).status).toBe(400);
  });

  it('creates a contact, rejects a duplicate email and a missing first_name', async () => {
    const body = {
      tags: ['Lead', 'Likely Buyer'],
      lead_score: '10',
      star_value: '2',
      properties: [
        { type: 'SYSTEM', name: 'first_name', value: 'Samson' },
        { type: 'SYSTEM', name: 'email', subtype: 'work', value: 'samson@example.com' },
      ],
    };
    const created = json(await call(sim, 'api/contacts', { json: body }));
    expect(BigInt(created.id) > 2n ** 52n).toBe(true);
    expect(created.created_time).toBe(String(fixedNow.getTime() / 1000));
    expect(created.tagsWithTime[0].createdTime).toBe(String(fixedNow.getTime()));
    const dup = await call(sim, 'api/contacts', { json: body });
    expect(dup.status).toBe(400);
    expect(dup.text).toMatch(/duplicate/i);
    const noName = await call(sim, 'api/contacts', {
      json: { properties: [{ type: 'SYSTEM', name: 'last_name', value: 'X' }] },
    });
    expect(noName.status).toBe(400);
  });

  it('validates tag names and star values', async () => {
    const id = sim.state.contacts[0]?.id ?? '';
    for (const tag of ['1abc', 'bad-tag', 'émoji!', '']) {
      const res = await call(sim, 'api/contacts/edit/tags', { method: 'PUT', json: { id, tags: [tag] } });
      expect(res.status, tag).toBe(400);
    }
    const okTags = await call(sim, 'api/contacts/edit/tags', {
      method: 'PUT',
      json: { id, tags: ['New_tag two'] },
    });
    expect(json(okTags).tags).toContain('New_tag two');
    const star = await call(sim, 'api/contacts/edit/add-star', {
      method: 'PUT',
      json: { id, star_value: 6 },
    });
    expect(star.status).toBe(400);
  });

  it('edits properties without touching others and merges by subtype', async () => {
    const id = sim.state.contacts[0]?.id ?? '';
    const res = await call(sim, 'api/contacts/edit-properties', {
      method: 'PUT',
      json: {
        id,
        properties: [
          { type: 'SYSTEM', name: 'title', value: 'CEO' },
          { type: 'SYSTEM', name: 'phone', subtype: 'home', value: '555' },
        ],
      },
    });
    const c = json(res);
    expect(prop(c, 'title')).toBe('CEO');
    expect(prop(c, 'first_name')).toBe('Ada');
    expect(c.properties.filter((p: { name: string }) => p.name === 'phone')).toHaveLength(2);
  });

  it('adds and deletes tags and score by email (form), changes owner', async () => {
    const email = 'ada.lovelace@northwind.example.com';
    const add = await call(sim, 'api/contacts/email/tags/add', { form: { email, tags: '["Hot lead"]' } });
    expect(add.status).toBe(204);
    const contact = () => sim.state.contacts.find((c) => c.properties.some((p) => p.value === email));
    expect(contact()?.tags.map((t) => t.tag)).toContain('Hot lead');
    await call(sim, 'api/contacts/email/tags/delete', { form: { email, tags: '["Hot lead"]' } });
    expect(contact()?.tags.map((t) => t.tag)).not.toContain('Hot lead');
    const score = json(await call(sim, 'api/contacts/add-score', { form: { email, score: '-2' } }));
    expect(score.lead_score).toBe('90');
    const owner = await call(sim, 'api/contacts/change-owner', {
      form: { owner_email: 'raj.patel@example.com', contact_id: contact()?.id ?? '' },
    });
    expect(json(owner).owner.email).toBe('raj.patel@example.com');
  });

  it('deletes a contact with 204', async () => {
    const id = sim.state.contacts[5]?.id ?? '';
    const res = await call(sim, `api/contacts/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await call(sim, `api/contacts/${id}`)).status).toBe(204);
  });
});
