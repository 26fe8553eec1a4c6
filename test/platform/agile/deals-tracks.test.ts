import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { type AgileClient, collect, getPrimaryEmail } from '../../../src/platform/agile/index.js';
import { failureOf, lastRequest, requestsTo, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

function defaultTrack() {
  const track = sim.state.tracks.find((t) => t.isDefault) ?? sim.state.tracks[0];
  if (!track) throw new Error('seed has no track');
  return { ...track, list: track.milestones.split(',') };
}

describe('tracks', () => {
  it('lists tracks with milestones as a string and as a list', async () => {
    const tracks = await client.tracks.list();
    expect(tracks.map((t) => t.id)).toEqual(sim.state.tracks.map((t) => t.id));
    expect(tracks[0]?.milestoneList).toEqual(sim.state.tracks[0]?.milestones.split(','));
  });

  it('creates and updates a track, sending milestones comma-separated', async () => {
    const created = await client.tracks.create({
      name: 'Sim Test Track',
      milestones: ['Open', 'Quoted', 'Won', 'Lost'],
    });
    expect(JSON.parse(lastRequest(sim).body)).toEqual({
      name: 'Sim Test Track',
      milestones: 'Open,Quoted,Won,Lost',
    });
    expect(created.milestoneList).toEqual(['Open', 'Quoted', 'Won', 'Lost']);
    const updated = await client.tracks.update(created.id, {
      name: 'Sim Test Track',
      milestones: 'Open,Won,Lost',
    });
    expect(JSON.parse(lastRequest(sim).body).id).toBe(created.id);
    expect(updated.milestoneList).toEqual(['Open', 'Won', 'Lost']);
  });
});

describe('deals', () => {
  it('creates a deal with the owner id 5629585249009664 read from users, sent as a string', async () => {
    const me = await client.users.current();
    const track = defaultTrack();
    const contactId = sim.state.contacts[2]?.id ?? '';
    const deal = await client.deals.create({
      name: 'Deal-Tomato',
      expected_value: 500,
      milestone: track.list[0] ?? '',
      pipeline_id: track.id,
      probability: 75,
      close_date: 1_900_000_000,
      owner_id: me.id,
      contact_ids: [contactId],
    });
    const body = lastRequest(sim).body;
    expect(body).toContain('"owner_id":"5629585249009664"');
    expect(body).toContain(`"contact_ids":["${contactId}"]`);
    expect(body).toContain(`"pipeline_id":"${track.id}"`);
    expect(deal.owner?.id ?? deal.owner_id).toBe('5629585249009664');
    expect(deal.contact_ids).toEqual([contactId]);
    expect(deal.close_date).toBe(1_900_000_000);
    expect((await client.deals.get(deal.id))?.name).toBe('Deal-Tomato');
  });

  it('a wrong-case milestone is a clear 400', async () => {
    const track = defaultTrack();
    const wrongCase = (track.list[0] ?? 'x').toLowerCase();
    const err = await failureOf(
      client.deals.create({ name: 'x', expected_value: 1, milestone: wrongCase, pipeline_id: track.id }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.reason).toMatch(/milestone/i);
    expect(requestsTo(sim, 'POST', '/dev/api/opportunity')).toHaveLength(1);
  });

  it('creates a deal by contact email and updates it partially', async () => {
    const contact = sim.state.contacts[1];
    const email = contact ? getPrimaryEmail(contact as never) : undefined;
    if (!contact || !email) throw new Error('seed contact without email');
    const track = defaultTrack();
    const deal = await client.deals.createByEmail(email, {
      name: 'By email',
      expected_value: 1000,
      milestone: track.list[0] ?? '',
      pipeline_id: track.id,
    });
    expect(deal.contact_ids).toContain(contact.id);
    const moved = await client.deals.updatePartial(deal.id, {
      milestone: track.list[1] ?? '',
      probability: 60,
    });
    expect(JSON.parse(lastRequest(sim).body)).toEqual({
      id: deal.id,
      milestone: track.list[1],
      probability: 60,
    });
    expect(moved.milestone).toBe(track.list[1]);
    expect(moved.name).toBe('By email');
  });

  it('gets null for a missing deal and deletes (204)', async () => {
    expect(await client.deals.get('5000000000000001')).toBeNull();
    const id = sim.state.deals[0]?.id ?? '';
    await client.deals.delete(id);
    expect(await client.deals.get(id)).toBeNull();
  });

  it('pages through all deals and a track', async () => {
    const all = await collect(client.deals.iterate({ pageSize: 4 }));
    expect(all.map((d) => d.id).sort()).toEqual(sim.state.deals.map((d) => d.id).sort());
    expect(requestsTo(sim, 'GET', '/dev/api/opportunity').length).toBe(Math.ceil(sim.state.deals.length / 4));
    const track = defaultTrack();
    const inTrack = await collect(client.deals.iterateTrack(track.id, { pageSize: 3 }));
    expect(inTrack.map((d) => d.id).sort()).toEqual(
      sim.state.deals
        .filter((d) => d.pipelineId === track.id)
        .map((d) => d.id)
        .sort(),
    );
  });

  it('groups deals of a track by milestone, with cursor/count stripped', async () => {
    const track = defaultTrack();
    const grouped = await client.deals.byTrack(track.id);
    for (const [milestone, deals] of Object.entries(grouped)) {
      for (const deal of deals) {
        expect(deal.milestone).toBe(milestone);
        expect(deal).not.toHaveProperty('cursor');
      }
    }
    const expectedIds = sim.state.deals.filter((d) => d.pipelineId === track.id).map((d) => d.id);
    expect(
      Object.values(grouped)
        .flat()
        .map((d) => d.id)
        .sort(),
    ).toEqual([...expectedIds].sort());
    const byDefault = await client.deals.byMilestone();
    expect(Object.keys(byDefault).length).toBeGreaterThan(0);
  });

  it("lists a contact's deals and my deals", async () => {
    const withContact = sim.state.deals.find((d) => d.contactIds.length > 0);
    const contactId = withContact?.contactIds[0] ?? '';
    const deals = await client.deals.forContact(contactId);
    expect(deals.map((d) => d.id).sort()).toEqual(
      sim.state.deals
        .filter((d) => d.contactIds.includes(contactId))
        .map((d) => d.id)
        .sort(),
    );
    const me = await client.users.current();
    const mine = await client.deals.mine();
    expect(mine.map((d) => d.id).sort()).toEqual(
      sim.state.deals
        .filter((d) => d.ownerId === me.id)
        .map((d) => d.id)
        .sort(),
    );
  });
});
