import { describe, expect, it } from 'vitest';
import { call, json, useSimulator } from './sim-fetch.js';

const fixedNow = new Date('2025-03-10T12:00:00Z');

const sim = useSimulator({ now: () => fixedNow });

const sales = () => sim.state.tracks.find((t) => t.name === 'Sales');
const renewals = () => sim.state.tracks.find((t) => t.name === 'Renewals');

describe('tracks', () => {
  it('lists the seeded tracks with comma-separated milestones', async () => {
    const tracks = json<{ id: string; name: string; milestones: string }[]>(
      await call(sim, 'api/milestone/pipelines'),
    );
    expect(tracks.map((t) => [t.name, t.milestones])).toEqual([
      ['Sales', 'New,Prospect,Proposal,Won,Lost'],
      ['Renewals', 'Upcoming,Negotiation,Renewed,Churned'],
    ]);
    expect(tracks[0]?.id).toBe(sales()?.id);
  });

  it('creates and updates a track, rejecting "Default" and lower-case milestones', async () => {
    const created = json(
      await call(sim, 'api/milestone/pipelines', { json: { name: 'Partners', milestones: 'Intro,Signed' } }),
    );
    expect(created.milestones).toBe('Intro,Signed');
    const updated = json(
      await call(sim, 'api/milestone/pipelines', {
        method: 'PUT',
        json: { id: created.id, name: 'Partners', milestones: 'Intro,Pilot,Signed' },
      }),
    );
    expect(updated.id).toBe(created.id);
    expect(sim.state.tracks.find((t) => t.id === created.id)?.milestones).toBe('Intro,Pilot,Signed');
    const dflt = await call(sim, 'api/milestone/pipelines', {
      json: { name: 'Default', milestones: 'Open' },
    });
    expect(dflt.status).toBe(400);
    const lower = await call(sim, 'api/milestone/pipelines', { json: { name: 'X', milestones: 'Open,won' } });
    expect(lower.status).toBe(400);
  });
});

describe('deals', () => {
  const base = () => ({
    name: 'New deal',
    expected_value: '500',
    probability: '75',
    close_date: 1741651200,
    milestone: 'Proposal',
  });

  it('creates a deal in the default track with ids as numbers and close_date in seconds', async () => {
    const res = await call(sim, 'api/opportunity', {
      json: { ...base(), contact_ids: [sim.state.contacts[0]?.id] },
    });
    const deal = json(res);
    expect(deal.pipeline_id).toBe(sales()?.id);
    expect(res.text).toMatch(/"pipeline_id":\d+/);
    expect(deal.close_date).toBe('1741651200');
    expect(deal.contacts[0].id).toBe(sim.state.contacts[0]?.id);
    expect(deal.owner.email).toBe(sim.credentials.email);
  });

  it('validates milestone (exists in track, case-sensitive), probability and expected_value', async () => {
    const cases: Record<string, unknown>[] = [
      { milestone: 'proposal' },
      { milestone: 'Upcoming' },
      { pipeline_id: renewals()?.id, milestone: 'Proposal' },
      { pipeline_id: '5629585249000000' },
      { probability: 101 },
      { probability: -1 },
      { expected_value: 1e12 + 1 },
      { expected_value: undefined },
      { name: '' },
    ];
    for (const patch of cases) {
      const res = await call(sim, 'api/opportunity', { json: { ...base(), ...patch } });
      expect(res.status, JSON.stringify(patch)).toBe(400);
    }
    const inRenewals = await call(sim, 'api/opportunity', {
      json: { ...base(), pipeline_id: renewals()?.id, milestone: 'Upcoming', expected_value: 1e12 },
    });
    expect(inRenewals.status).toBe(200);
  });

  it('POST with an id updates instead of creating', async () => {
    const before = sim.state.deals.length;
    const target = sim.state.deals[0];
    const res = await call(sim, 'api/opportunity', {
      jsonText: `{"id": ${target?.id}, "name": "Renamed", "expected_value": 1}`,
    });
    expect(json(res).id).toBe(target?.id);
    expect(sim.state.deals).toHaveLength(before);
    expect(sim.state.deals[0]?.name).toBe('Renamed');
  });

  it('partial update changes only the sent fields', async () => {
    const target = sim.state.deals[0];
    const before = structuredClone(target);
    const res = await call(sim, 'api/opportunity/partial-update', {
      method: 'PUT',
      json: { id: target?.id, milestone: 'Won', probability: 100 },
    });
    const deal = json(res);
    expect(deal.milestone).toBe('Won');
    expect(deal.name).toBe(before?.name);
    expect(sim.state.deals[0]?.expectedValue).toBe(before?.expectedValue);
    const bad = await call(sim, 'api/opportunity/partial-update', {
      method: 'PUT',
      json: { id: target?.id, milestone: 'won' },
    });
    expect(bad.status).toBe(400);
  });

  it('pages deals with the cursor on the last element and count on the first', async () => {
    const total = sim.state.deals.length;
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = json<{ id: string; cursor?: string; count?: string }[]>(
        await call(sim, `api/opportunity?page_size=4${q}`),
      );
      pages++;
      expect(page[0]?.count).toBe(String(total));
      expect(page.slice(0, -1).every((d) => d.cursor === undefined)).toBe(true);
      cursor = page[page.length - 1]?.cursor;
      seen.push(...page.map((d) => d.id));
    } while (cursor && pages < 20);
    expect(pages).toBe(Math.ceil(total / 4));
    expect(new Set(seen).size).toBe(total);
  });

  it('groups deals of a track by milestone and lists a track with paging', async () => {
    const grouped = json<Record<string, { milestone: string }[]>>(
      await call(sim, `api/opportunity/byPipeline/based?pipeline_id=${renewals()?.id}`),
    );
    expect(Object.keys(grouped)).toEqual(['Upcoming', 'Negotiation', 'Renewed', 'Churned']);
    expect(grouped.Upcoming?.every((d) => d.milestone === 'Upcoming')).toBe(true);
    const dflt = json<Record<string, unknown[]>>(await call(sim, 'api/opportunity/byMilestone'));
    expect(Object.keys(dflt)).toEqual(['New', 'Prospect', 'Proposal', 'Won', 'Lost']);
    const all = json<unknown[]>(await call(sim, 'api/opportunity/based?pipeline_id=1&page_size=100'));
    expect(all).toHaveLength(sim.state.deals.length);
    const track = json<{ pipeline_id: string }[]>(
      await call(sim, `api/opportunity/based?pipeline_id=${renewals()?.id}&page_size=2`),
    );
    expect(track).toHaveLength(2);
    expect(track.every((d) => d.pipeline_id === renewals()?.id)).toBe(true);
  });

  it('creates a deal for a contact email, lists contact deals and my deals, deletes', async () => {
    const email = 'alan.turing@acme-robotics.example.com';
    const deal = json(await call(sim, `api/opportunity/email/${email}`, { json: base() }));
    const contactId = sim.state.contacts.find((c) => c.properties.some((p) => p.value === email))?.id;
    expect(deal.contact_ids).toContain(contactId);
    const contactDeals = json<{ id: string }[]>(await call(sim, `api/contacts/${contactId}/deals`));
    expect(contactDeals.map((d) => d.id)).toContain(deal.id);
    expect((await call(sim, 'api/opportunity/email/nobody@example.com', { json: base() })).status).toBe(400);
    const mine = json<{ owner: { email: string } }[]>(await call(sim, 'api/opportunity/my/deals'));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((d) => d.owner.email === sim.credentials.email)).toBe(true);
    expect((await call(sim, `api/opportunity/${deal.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(sim, `api/opportunity/${deal.id}`)).status).toBe(204);
  });

  it('adds and lists deal notes', async () => {
    const dealId = sim.state.deals[3]?.id;
    // Reference: "Note added successfully and it returns the deal as JSON in response."
    const answer = json(
      await call(sim, 'api/opportunity/deals/notes', {
        json: { subject: 'Call', description: 'Went well', deal_ids: [dealId] },
      }),
    );
    expect(answer.entity_type).toBe('deal');
    expect(String(answer.id)).toBe(dealId);
    const notes = json<{ subject: string }[]>(await call(sim, `api/opportunity/${dealId}/notes`));
    expect(notes.map((n) => n.subject)).toContain('Call');
  });
});
