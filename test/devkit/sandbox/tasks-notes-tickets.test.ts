import { describe, expect, it } from 'vitest';
import { call, json, useSimulator } from './sim-fetch.js';

const fixedNow = new Date('2025-03-10T12:00:00Z');
const nowSec = fixedNow.getTime() / 1000;

const sim = useSimulator({ now: () => fixedNow });

interface WireTask {
  id: string;
  type: string;
  priority_type: string;
  due: string;
  is_complete: boolean;
  status: string;
  subject: string;
  taskOwner: { id: string; email: string };
  contacts: { id: string }[];
  cursor?: string;
  count?: string;
}

describe('tasks', () => {
  const base = () => ({ subject: 'Call back', type: 'CALL', priority_type: 'HIGH', due: nowSec + 3600 });

  it('creates a task with due in seconds and related contacts', async () => {
    const contactId = sim.state.contacts[0]?.id;
    const task = json<WireTask>(await call(sim, 'api/tasks', { json: { ...base(), contacts: [contactId] } }));
    expect(task.due).toBe(String(nowSec + 3600));
    expect(task.contacts.map((c) => c.id)).toEqual([contactId]);
    expect(task.taskOwner.email).toBe(sim.credentials.email);
    expect(task.is_complete).toBe(false);
  });

  it('rejects bad type, priority, status, progress, missing fields and unknown owner', async () => {
    const cases: Record<string, unknown>[] = [
      { type: 'call' },
      { type: 'LUNCH' },
      { priority_type: 'URGENT' },
      { priority_type: 'high' },
      { status: 'DONE' },
      { progress: 101 },
      { subject: undefined },
      { due: undefined },
      { owner_id: '5629585249000000' },
    ];
    for (const patch of cases) {
      const res = await call(sim, 'api/tasks', { json: { ...base(), ...patch } });
      expect(res.status, JSON.stringify(patch)).toBe(400);
    }
  });

  it('creates a task by contact email and updates it partially', async () => {
    const task = json<WireTask>(
      await call(sim, 'api/tasks/email/Grace.Hopper@Example.com', { json: base() }),
    );
    expect(task.contacts).toHaveLength(1);
    expect((await call(sim, 'api/tasks/email/grace.hopper@example.com', { json: base() })).status).toBe(400);
    const updated = json<WireTask>(
      await call(sim, 'api/tasks/partial-update', {
        method: 'PUT',
        json: { id: task.id, is_complete: true },
      }),
    );
    expect(updated.is_complete).toBe(true);
    expect(updated.status).toBe('COMPLETED');
    expect(updated.subject).toBe('Call back');
    expect(updated.priority_type).toBe('HIGH');
    const got = json<WireTask>(await call(sim, `api/tasks/${task.id}`));
    expect(got.is_complete).toBe(true);
    expect((await call(sim, `api/tasks/${task.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(sim, `api/tasks/${task.id}`)).status).toBe(204);
  });

  it('lists pending tasks within N days, overdue included, complete excluded', async () => {
    const pending = json<WireTask[]>(await call(sim, 'api/tasks/pending/0'));
    const endOfToday = nowSec - (nowSec % 86400) + 86400;
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((t) => !t.is_complete && Number(t.due) < endOfToday)).toBe(true);
    const expected = sim.state.tasks.filter((t) => !t.isComplete && t.dueEpochSec < endOfToday).length;
    expect(pending).toHaveLength(expected);
    const week = json<WireTask[]>(await call(sim, 'api/tasks/pending/7'));
    expect(week.length).toBeGreaterThan(pending.length);
  });

  it('filters tasks/based by criteria, owner and pending, paging to the end', async () => {
    const emails = json<WireTask[]>(
      await call(sim, 'api/tasks/based?criteria=CATEGORY&type=EMAIL&page_size=100'),
    );
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.every((t) => t.type === 'EMAIL')).toBe(true);
    const ownerId = sim.state.users[1]?.id ?? '';
    const collected: WireTask[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = json<WireTask[]>(
        await call(sim, `api/tasks/based?pending=true&owner=${ownerId}&page_size=3${q}`),
      );
      collected.push(...page);
      cursor = page[page.length - 1]?.cursor;
      if (!cursor) break;
    }
    const expected = sim.state.tasks.filter((t) => t.ownerId === ownerId && !t.isComplete);
    expect(collected.map((t) => t.id).sort()).toEqual(expected.map((t) => t.id).sort());
    const high = json<WireTask[]>(await call(sim, 'api/tasks/based?criteria=PRIORITY&type=HIGH'));
    expect(high.every((t) => t.priority_type === 'HIGH')).toBe(true);
    expect((await call(sim, 'api/tasks/based?criteria=PRIORITY&type=high')).status).toBe(400);
  });

  it("lists a contact's tasks, latest due first", async () => {
    const task = sim.state.tasks.find((t) => t.contactIds.length > 0);
    const contactId = task?.contactIds[0];
    const tasks = json<WireTask[]>(await call(sim, `api/contacts/${contactId}/tasks/sort`));
    const dues = tasks.map((t) => Number(t.due));
    expect(dues).toEqual([...dues].sort((a, b) => b - a));
  });
});

describe('notes', () => {
  it('creates a note on contacts and lists it with count on the first element', async () => {
    const contactId = sim.state.contacts[1]?.id;
    const note = json(
      await call(sim, 'api/notes', {
        json: { subject: 'Hi', description: 'Body', contact_ids: [contactId] },
      }),
    );
    expect(note.created_time).toBe(String(nowSec));
    const notes = json<{ id: string; count?: string }[]>(await call(sim, `api/contacts/${contactId}/notes`));
    expect(notes[0]?.count).toBe(String(notes.length));
    expect(notes.map((n) => n.id)).toContain(note.id);
    expect((await call(sim, 'api/notes', { json: { description: 'no subject' } })).status).toBe(400);
  });

  it('adds a note by email with note={…} inside the form, answering 204', async () => {
    const res = await call(sim, 'api/contacts/email/note/add', {
      form: {
        email: 'Grace.Hopper@Example.com',
        note: JSON.stringify({ subject: 'Form note', description: 'd' }),
      },
    });
    expect(res.status).toBe(204);
    expect(sim.state.notes.some((n) => n.subject === 'Form note')).toBe(true);
    const asJson = await call(sim, 'api/contacts/email/note/add', { json: { email: 'x', note: {} } });
    expect(asJson.status).toBe(415);
  });

  it('answers 204 for a contact without notes and deletes a contact note', async () => {
    const bare = sim.state.contacts.find((c) => !sim.state.notes.some((n) => n.contactIds.includes(c.id)));
    expect((await call(sim, `api/contacts/${bare?.id}/notes`)).status).toBe(204);
    const note = sim.state.notes[0];
    const cid = note?.contactIds[0];
    expect((await call(sim, `api/contacts/${cid}/notes/${note?.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(sim.state.notes.find((n) => n.id === note?.id)?.contactIds ?? []).not.toContain(cid);
  });
});

describe('tickets', () => {
  it('lists filters and tickets by filter with ms times, paging', async () => {
    const filters = json<{ id: string; name: string }[]>(await call(sim, 'api/tickets/filters'));
    const all = filters.find((f) => f.name === 'All Tickets');
    const page1 = json<{ id: string; created_time: string; cursor?: string }[]>(
      await call(
        sim,
        `api/tickets/filter?filter_id=${all?.id}&page_size=3&global_sort_key=-last_updated_time`,
      ),
    );
    expect(page1).toHaveLength(3);
    expect(Number(page1[0]?.created_time)).toBeGreaterThan(1e12);
    const cursor = page1[2]?.cursor ?? '';
    const page2 = json<{ id: string; cursor?: string }[]>(
      await call(
        sim,
        `api/tickets/filter?filter_id=${all?.id}&page_size=3&cursor=${encodeURIComponent(cursor)}`,
      ),
    );
    expect(page2).toHaveLength(sim.state.tickets.length - 3);
    expect(page2[page2.length - 1]?.cursor).toBeUndefined();
  });

  it('lists messages and adds PUBLIC replies and PRIVATE notes', async () => {
    const ticket = sim.state.tickets[0];
    const before = json<unknown[]>(await call(sim, `api/tickets/notes/${ticket?.id}`));
    const reply = json(
      await call(sim, `api/notes/${ticket?.id}`, {
        json: { ticket_id: ticket?.id, html_text: '<p>On it</p>', note_type: 'PUBLIC' },
      }),
    );
    expect(reply.last_updated_by).toBe('AGENT');
    await call(sim, `api/notes/${ticket?.id}`, {
      json: { ticket_id: ticket?.id, html_text: 'internal', note_type: 'PRIVATE' },
    });
    const after = json<{ note_type: string; plain_text: string; created_time: string }[]>(
      await call(sim, `api/tickets/notes/${ticket?.id}`),
    );
    expect(after).toHaveLength(before.length + 2);
    expect(after.slice(-2).map((n) => n.note_type)).toEqual(['PUBLIC', 'PRIVATE']);
    expect(after[after.length - 2]?.plain_text).toBe('On it');
    expect(after[after.length - 1]?.created_time).toBe(String(fixedNow.getTime()));
    const bad = await call(sim, `api/notes/${ticket?.id}`, { json: { html_text: 'x', note_type: 'public' } });
    expect(bad.status).toBe(400);
  });

  it('creates a ticket with all mandatory fields', async () => {
    const group = sim.state.ticketGroups[0];
    const body = {
      requester_name: 'Yeki',
      requester_email: 'yeki@example.com',
      subject: 'Broken',
      priority: 'LOW',
      status: 'OPEN',
      groupID: group?.id,
      html_text: 'Help',
      cc_emails: [],
      labels: null,
    };
    const ticket = json(await call(sim, 'api/tickets/new-ticket', { json: body }));
    expect(ticket.subject).toBe('Broken');
    expect((await call(sim, 'api/tickets/new-ticket', { json: { ...body, subject: '' } })).status).toBe(400);
  });
});

describe('users', () => {
  it('lists domain users, the account owner first', async () => {
    const users = json<{ email: string }[]>(await call(sim, 'api/users'));
    expect(users.map((u) => u.email)).toEqual([
      sim.credentials.email,
      'alice.moreno@example.com',
      'raj.patel@example.com',
    ]);
  });
});
