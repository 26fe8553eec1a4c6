import { describe, expect, it } from 'vitest';
import { BIG_ID_CONTACT_ID, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { call, json, prop, useSimulator } from './sim-fetch.js';

const fixedNow = new Date('2025-03-10T12:00:00Z');
const nowSec = fixedNow.getTime() / 1000;

const sim = useSimulator({ now: () => fixedNow }, { reset: false });

describe('seed data', () => {
  it('has the documented volumes and special cases', () => {
    const s = sim.state;
    expect(s.contacts).toHaveLength(30);
    expect(s.companies.length).toBeGreaterThanOrEqual(3);
    expect(s.deals.length).toBeGreaterThanOrEqual(15);
    expect(s.tasks).toHaveLength(40);
    expect(s.tickets).toHaveLength(5);
    expect(s.users).toHaveLength(3);
    const eve = s.contacts.find((c) => c.id === BIG_ID_CONTACT_ID);
    expect(eve && prop(eve, 'first_name')).toBe('<!channel> Eve');
    expect(
      s.contacts.some((c) => c.properties.some((p) => p.name === 'email' && /[A-Z]/.test(p.value))),
    ).toBe(true);
    const startOfDay = nowSec - (nowSec % 86400);
    const open = s.tasks.filter((t) => !t.isComplete);
    expect(open.some((t) => t.dueEpochSec < startOfDay)).toBe(true);
    expect(open.some((t) => t.dueEpochSec >= startOfDay && t.dueEpochSec < startOfDay + 86400)).toBe(true);
    expect(open.some((t) => t.dueEpochSec >= startOfDay + 86400)).toBe(true);
    expect(new Set(s.tasks.map((t) => t.ownerId)).size).toBe(3);
    for (const deal of s.deals) {
      const track = s.tracks.find((t) => t.id === deal.pipelineId);
      expect(track?.milestones.split(',')).toContain(deal.milestone);
    }
    for (const ticket of s.tickets) {
      const notes = s.ticketNotes.filter((n) => n.ticketId === ticket.id);
      expect(notes[0]?.createdBy).toBe('REQUESTER');
    }
    expect(s.ticketNotes.some((n) => n.createdBy === 'AGENT')).toBe(true);
  });

  it('is deterministic for the same clock', async () => {
    const again = await startAgileSimulator({ now: () => fixedNow, port: 0 });
    try {
      expect(again.state.contacts.map((c) => c.id)).toEqual(sim.state.contacts.map((c) => c.id));
      expect(again.state.tasks.map((t) => t.dueEpochSec)).toEqual(sim.state.tasks.map((t) => t.dueEpochSec));
    } finally {
      await again.close();
    }
  });
});

describe('companies and dynamic filter (form endpoints)', () => {
  it('lists companies with form paging', async () => {
    const page1 = json<{ type: string; cursor?: string }[]>(
      await call(sim, 'api/contacts/companies/list', {
        form: { page_size: '2', global_sort_key: '-created_time' },
      }),
    );
    expect(page1).toHaveLength(2);
    expect(page1.every((c) => c.type === 'COMPANY')).toBe(true);
    const page2 = json<{ cursor?: string }[]>(
      await call(sim, 'api/contacts/companies/list', {
        form: { page_size: '2', cursor: page1[1]?.cursor ?? '' },
      }),
    );
    expect(page2.length).toBe(sim.state.companies.length - 2);
    const company = sim.state.companies[0];
    expect(prop(json(await call(sim, `api/contacts/${company?.id}`)), 'name')).toBe('Northwind Traders');
  });

  it('filters contacts by tag through filterJson', async () => {
    const res = await call(sim, 'api/filters/filter/dynamic-filter', {
      form: {
        page_size: '25',
        global_sort_key: '-created_time',
        filterJson: JSON.stringify({
          rules: [{ LHS: 'tags', CONDITION: 'EQUALS', RHS: 'VIP' }],
          contact_type: 'PERSON',
        }),
      },
    });
    const vips = json<{ tags: string[] }[]>(res);
    expect(vips.length).toBe(sim.state.contacts.filter((c) => c.tags.some((t) => t.tag === 'VIP')).length);
    expect(vips.every((c) => c.tags.includes('VIP'))).toBe(true);
  });
});
