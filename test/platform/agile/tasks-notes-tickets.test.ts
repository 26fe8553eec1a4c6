import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { type AgileClient, collect, getPrimaryEmail } from '../../../src/platform/agile/index.js';
import { failureOf, lastRequest, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

const DUE = 1_900_000_000;

function seededContact(index = 0) {
  const contact = sim.state.contacts[index];
  const email = contact ? getPrimaryEmail(contact as never) : undefined;
  if (!contact || !email) throw new Error('seed contact without email');
  return { id: contact.id, email };
}

describe('tasks', () => {
  it('creates, gets, updates partially and deletes a task', async () => {
    const contact = seededContact(2); // the contact with the id above 2^53
    const task = await client.tasks.create({
      subject: 'Call back',
      type: 'CALL',
      priority_type: 'HIGH',
      due: DUE,
      contacts: [contact.id],
    });
    expect(lastRequest(sim).body).toContain('"contacts":["9007199254740993"]');
    expect(task.due).toBe(DUE);
    expect(task.contacts.map((c) => c.id)).toEqual(['9007199254740993']);
    expect((await client.tasks.get(task.id))?.subject).toBe('Call back');

    const done = await client.tasks.updatePartial(task.id, { is_complete: true, status: 'COMPLETED' });
    expect(JSON.parse(lastRequest(sim).body)).toEqual({
      id: task.id,
      is_complete: true,
      status: 'COMPLETED',
    });
    expect(done.is_complete).toBe(true);
    expect(done.subject).toBe('Call back');

    await client.tasks.delete(task.id);
    expect(await client.tasks.get(task.id)).toBeNull();
  });

  it('refuses a task type outside the enum with a clear 400', async () => {
    const err = await failureOf(
      client.tasks.create({ subject: 'x', type: 'call' as never, priority_type: 'HIGH', due: DUE }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.reason).toMatch(/type/i);
  });

  it('creates a task by contact email', async () => {
    const contact = seededContact(1);
    const task = await client.tasks.createByEmail(contact.email, {
      subject: 'Send proposal',
      type: 'EMAIL',
      priority_type: 'NORMAL',
      due: DUE,
    });
    expect(decodeURIComponent(lastRequest(sim).path)).toBe(`/dev/api/tasks/email/${contact.email}`);
    expect(task.contacts.map((c) => c.id)).toContain(contact.id);
  });

  it('lists all, pending within N days, and a contact’s tasks', async () => {
    const all = await client.tasks.list();
    expect(all.map((t) => t.id).sort()).toEqual(sim.state.tasks.map((t) => t.id).sort());
    const pending = await client.tasks.pending(7);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((t) => t.is_complete === false)).toBe(true);
    const withContact = sim.state.tasks.find((t) => t.contactIds.length > 0);
    const contactId = withContact?.contactIds[0] ?? '';
    const ofContact = await client.contacts.tasks(contactId);
    expect(ofContact.map((t) => t.id).sort()).toEqual(
      sim.state.tasks
        .filter((t) => t.contactIds.includes(contactId))
        .map((t) => t.id)
        .sort(),
    );
  });

  it('pages the filtered list (tasks/based) to the end', async () => {
    const owner = sim.state.tasks[0]?.ownerId ?? '';
    const pending = await collect(client.tasks.iterateBased({ owner, pending: true }, { pageSize: 3 }));
    const expected = sim.state.tasks.filter((t) => t.ownerId === owner && !t.isComplete).map((t) => t.id);
    expect(pending.map((t) => t.id).sort()).toEqual([...expected].sort());
    expect(lastRequest(sim).query).toMatchObject({ owner, pending: 'true', page_size: '3' });
    const calls = await collect(
      client.tasks.iterateBased({ criteria: 'CATEGORY', type: 'CALL' }, { pageSize: 5 }),
    );
    expect(calls.every((t) => t.type === 'CALL')).toBe(true);
    expect(calls).toHaveLength(sim.state.tasks.filter((t) => t.type === 'CALL').length);
  });
});

describe('notes', () => {
  it('creates a note on contacts and lists it for the contact', async () => {
    const contact = seededContact(2);
    const note = await client.notes.createForContacts({
      subject: 'Met at the fair',
      description: 'Wants a demo',
      contactIds: [contact.id],
    });
    expect(lastRequest(sim).body).toContain('"contact_ids":["9007199254740993"]');
    expect(note.subject).toBe('Met at the fair');
    const notes = await client.notes.listForContact(contact.id);
    expect(notes.map((n) => n.id)).toContain(note.id);
    for (const n of notes) expect(n).not.toHaveProperty('count');
  });

  it('adds a note by email with the form body (note={...}), answered 204', async () => {
    const contact = seededContact(4);
    await client.notes.addByEmail(contact.email, { subject: 'Quick & dirty', description: 'a=b&c "quoted"' });
    const form = new URLSearchParams(lastRequest(sim).body);
    expect(form.get('email')).toBe(contact.email);
    expect(JSON.parse(form.get('note') ?? '')).toEqual({
      subject: 'Quick & dirty',
      description: 'a=b&c "quoted"',
    });
    expect(lastRequest(sim).status).toBe(204);
    const notes = await client.notes.listForContact(contact.id);
    expect(notes.some((n) => n.subject === 'Quick & dirty')).toBe(true);
  });

  it('creates a note on a deal and lists the deal’s notes', async () => {
    const dealId = sim.state.deals[0]?.id ?? '';
    await client.notes.createForDeal({
      subject: 'Pricing agreed',
      description: '10% off',
      dealIds: [dealId],
    });
    expect(JSON.parse(lastRequest(sim).body).deal_ids).toEqual([dealId]);
    const notes = await client.notes.listForDeal(dealId);
    expect(notes.some((n) => n.subject === 'Pricing agreed')).toBe(true);
  });

  it('an empty list answers 204 → []', async () => {
    const created = await client.contacts.create({
      properties: [
        { type: 'SYSTEM', name: 'first_name', value: 'Empty' },
        { type: 'SYSTEM', name: 'email', value: 'empty@example.org' },
      ],
    });
    expect(await client.notes.listForContact(created.id)).toEqual([]);
    expect(await client.contacts.deals(created.id)).toEqual([]);
    expect(lastRequest(sim).status).toBe(204);
  });
});

describe('tickets', () => {
  it('lists filters, pages tickets by filter and reads messages (times in ms)', async () => {
    const filters = await client.tickets.filters();
    expect(filters.map((f) => f.id)).toEqual(sim.state.ticketFilters.map((f) => f.id));
    const all = filters.find((f) => f.name === 'All Tickets') ?? filters[0];
    if (!all) throw new Error('no filter');
    const tickets = await collect(client.tickets.iterate(all.id, { pageSize: 2 }));
    expect(tickets.length).toBeGreaterThan(0);
    expect(sim.requests.find((r) => r.path === '/dev/api/tickets/filter')?.query).toMatchObject({
      filter_id: all.id,
      page_size: '2',
      global_sort_key: '-last_updated_time',
    });
    const first = tickets[0];
    if (!first) throw new Error('no ticket');
    expect(first.created_time).toBeGreaterThan(1e12); // milliseconds
    const messages = await client.tickets.messages(first.id);
    expect(messages.map((m) => m.id).sort()).toEqual(
      sim.state.ticketNotes
        .filter((n) => n.ticketId === first.id)
        .map((n) => n.id)
        .sort(),
    );
  });

  it('adds a PUBLIC reply and a PRIVATE note', async () => {
    const ticketId = sim.state.tickets[0]?.id ?? '';
    await client.tickets.addNote(ticketId, { html_text: '<p>We are on it</p>', note_type: 'PUBLIC' });
    expect(JSON.parse(lastRequest(sim).body)).toEqual({
      ticket_id: ticketId,
      html_text: '<p>We are on it</p>',
      note_type: 'PUBLIC',
    });
    await client.tickets.addNote(ticketId, { html_text: 'internal', note_type: 'PRIVATE' });
    const messages = await client.tickets.messages(ticketId);
    expect(messages.filter((m) => m.html_text === '<p>We are on it</p>')[0]?.note_type).toBe('PUBLIC');
    expect(messages.filter((m) => m.html_text === 'internal')[0]?.note_type).toBe('PRIVATE');
  });

  it('creates a ticket', async () => {
    const groupId = sim.state.ticketGroups[0]?.id ?? '';
    const ticket = await client.tickets.create({
      requester_name: 'Yeki',
      requester_email: 'yeki@example.org',
      subject: 'Export broken',
      priority: 'LOW',
      status: 'OPEN',
      groupID: groupId,
      html_text: 'It spins forever',
    });
    expect(lastRequest(sim).body).toContain(`"groupID":"${groupId}"`);
    expect(ticket.subject).toBe('Export broken');
    expect(sim.state.tickets.some((t) => t.id === ticket.id)).toBe(true);
  });
});
