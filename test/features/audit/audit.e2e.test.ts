import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeTaskMetadata } from '../../../src/features/task/schema.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { parseCsv } from '../../helpers/csv.js';
import { RESPONSE } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  type StateMap,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL, simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

/** Ahead of real time (Bolt checks request timestamps against the real clock, the app its own). */
const NOW = Date.parse('2030-03-12T18:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const ADA = 'ada.lovelace@northwind.example.com';
const BOB = { id: 'U0BOB' };

let t: TestBot;
let clockMs = NOW;
beforeAll(async () => {
  t = await startTestBot({
    now: () => new Date(clockMs),
    scheduler: { enabled: false },
    workspace: { personal: DEFAULT_USER_PERSONAL },
  });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.reset();
  clockMs = NOW;
  // The audit trail outlives the fakes' reset: start every test from an empty one.
  await t.bot.deps.store.audit.purgeOlderThan(Number.MAX_SAFE_INTEGER);
});

const sim = () => simulatorOf(t);
const contactIdByEmail = (email: string) => {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email.toLowerCase()),
  );
  if (!c) throw new Error(`no contact ${email}`);
  return c.id;
};
const deal = (name: string) => {
  const d = sim().state.deals.find((x) => x.name === name);
  if (!d) throw new Error(`no deal ${name}`);
  return d;
};

/** Runs `/crm …` and waits until the bot has finished with it. */
async function run(text: string, user?: { id: string }): Promise<void> {
  const res = await t.command(text, user ? { user } : {});
  expect(res.status).toBe(200);
  await t.idle();
}

/** `/crm audit …`: the ephemeral answer, and the CSV (rows as objects) when one was uploaded. */
async function audit(args = '', user?: { id: string }) {
  await run(`audit ${args}`.trim(), user);
  const answer = JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args ?? {});
  const file = [...t.slack.files.values()].at(-1);
  if (!file?.content) return { answer, file, rows: undefined };
  const [header = [], ...lines] = parseCsv(file.content.toString('utf8'));
  const rows = lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  return { answer, file, rows };
}

function taskForm(subject: string): StateMap {
  return {
    [BLOCK.subject]: { [ACTION.subjectInput]: { type: 'plain_text_input', value: subject } },
    [BLOCK.taskType]: { [ACTION.taskType]: { type: 'static_select', value: 'CALL' } },
    [BLOCK.priority]: { [ACTION.priority]: { type: 'static_select', value: 'HIGH' } },
    [BLOCK.dueDate]: { [ACTION.dueDate]: { type: 'datepicker', selected_date: '2030-03-14' } },
    [BLOCK.dueTime]: { [ACTION.dueTime]: { type: 'timepicker', selected_time: '15:30' } },
    [BLOCK.contact]: {
      [ACTION.contactPicker]: {
        type: 'multi_external_select',
        values: [{ value: contactIdByEmail(ADA), text: 'Ada Lovelace' }],
      },
    },
  };
}

function submitTask(subject: string, viewId: string) {
  return t.interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.taskModal,
      id: viewId,
      privateMetadata: encodeTaskMetadata({ channelId: CHANNEL.id, timeZone: 'UTC' }),
      values: taskForm(subject),
    }),
  );
}

describe('/crm audit', () => {
  it('a note, a task and a move come back to an admin as three CSV rows in their DM', async () => {
    await run(`note ${ADA} Called about the renewal`);
    await run(`task ${ADA} Send the quote due tomorrow 3pm`);
    const target = deal('Acme robotics enterprise licence');
    await run(`move ${target.id} to won`);
    expect(deal('Acme robotics enterprise licence').milestone).toBe('Won');

    const { answer, file, rows } = await audit();
    expect(answer).toContain('Sent you the audit CSV (3 rows, last 7 days)');
    expect((await t.slack.waitFor('conversations.open')).args.users).toBe('U0ALICE');
    // Privately: in Alice's DM with the bot, never the channel the command came from.
    expect(file?.channel).toBe('D0ALICE');
    expect(file?.name).toMatch(/^crm-audit-T0TEST-\d{8}-\d{4}\.csv$/);
    expect(t.slack.messages.get('D0ALICE')?.[0]?.text).toContain(file?.name);
    expect(t.slack.messages.get(CHANNEL.id) ?? []).toEqual([]);

    const note = sim().state.notes.find((n) => n.subject === 'Called about the renewal');
    const task = sim().state.tasks.find((x) => x.subject === 'Send the quote');
    const contactId = contactIdByEmail(ADA);
    expect(rows?.map((r) => r.action)).toEqual(['note.create', 'task.create', 'deal.move']);
    expect(rows?.map((r) => r['record ids'])).toEqual([
      `contactId=${contactId} noteId=${note?.id}`,
      `contactIds=${contactId} taskId=${task?.id}`,
      `dealId=${target.id}`,
    ]);
    for (const r of rows ?? []) {
      expect(r).toMatchObject({
        'time (UTC)': new Date(NOW).toISOString(),
        'slack user id': 'U0ALICE',
        'slack user name': 'Alice Archer',
        // Alice is personally connected: her writes go out with her own key, recorded as her.
        'agile user': DEFAULT_USER_PERSONAL.U0ALICE?.email,
        outcome: 'ok',
      });
    }
    const writes = sim().requests.filter((r) => r.method !== 'GET' && r.status < 300);
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes.map((r) => r.user))).toEqual(new Set([DEFAULT_USER_PERSONAL.U0ALICE?.email]));
    expect(rows?.[0]?.summary).toBe('Called about the renewal');
    expect(rows?.[2]?.summary).toBe('Acme robotics enterprise licence: Proposal → Won');
    t.slack.assertNoViolations();
  });

  it('a ticket reply and a created contact are recorded too, a reply without its text', async () => {
    await run('reply 1 The secret fix is live');
    const email = 'zoe.quinn@newco.example.com';
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767226000.000100' },
      }),
    );
    await t.idle();
    const { rows } = await audit();
    expect(rows?.map((r) => [r.action, r['record ids'], r.outcome])).toEqual([
      ['ticket.reply.public', 'ticketId=1', 'ok'],
      ['contact.create', `contactId=${contactIdByEmail(email)}`, 'ok'],
    ]);
    expect(rows?.[0]?.summary).toMatch(/: public reply \(\d+ characters\)$/);
    expect(t.slack.files.size).toBe(1);
    expect([...t.slack.files.values()][0]?.content?.toString('utf8')).not.toContain('secret');
  });

  it('user @someone keeps only that person’s writes, whichever way Slack sends the mention', async () => {
    await run(`note ${ADA} From Alice`);
    await run(`note ${ADA} From Bob`, BOB);
    for (const filter of ['user <@U0BOB|bob>', 'user <@U0BOB>', 'days 3 user @U0BOB']) {
      t.slack.reset();
      const { answer, rows } = await audit(filter);
      expect(rows?.map((r) => [r['slack user id'], r.summary])).toEqual([['U0BOB', 'From Bob']]);
      expect(answer).toContain('user U0BOB');
    }
  });

  it('refuses a non-admin, and uploads nothing', async () => {
    await run(`note ${ADA} Anything`);
    const { answer, file } = await audit('', BOB);
    expect(answer).toContain('Only workspace admins and owners');
    expect(file).toBeUndefined();
    expect(t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('says so when there is nothing to export, and uploads nothing', async () => {
    const { answer, file } = await audit('days 2');
    expect(answer).toContain('No CRM writes from Slack to export (last 2 days)');
    expect(file).toBeUndefined();
    expect(t.slack.calls('conversations.open')).toEqual([]);
  });

  it('records a write the CRM refused as failed, with the error kind', async () => {
    sim().faults.failNext(1, 400, 'due should be epoch seconds');
    const res = await submitTask('Refused task', 'V0AUDITFAIL');
    expect((res.json as { response_action?: string }).response_action).toBe('errors');
    await t.idle();
    const { rows } = await audit();
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'task.create',
        outcome: 'failed (invalid)',
        summary: 'Refused task',
        'record ids': `contactIds=${contactIdByEmail(ADA)}`,
      }),
    ]);
  });

  it('records a write once, however often it is replayed (double submission, re-sent command)', async () => {
    await submitTask('Submitted twice', 'V0AUDITTWICE');
    await submitTask('Submitted twice', 'V0AUDITTWICE');
    await run(`note ${ADA} Sent twice`);
    await run(`note ${ADA} Sent twice`);
    await t.idle();
    expect(sim().state.tasks.filter((x) => x.subject === 'Submitted twice')).toHaveLength(1);
    const { rows } = await audit();
    expect(rows?.map((r) => r.summary)).toEqual(['Submitted twice', 'Sent twice']);
  });

  it('clamps the window to AUDIT_RETENTION_DAYS and says so', async () => {
    await run(`note ${ADA} Inside the window`);
    const { answer, rows } = await audit('days 400');
    expect(rows).toHaveLength(1);
    expect(answer).toContain('last 90 days');
    expect(answer).toContain('keeps 90 days');
  });

  it('housekeeping deletes rows older than AUDIT_RETENTION_DAYS (90 by default), keeps the rest', async () => {
    await run(`note ${ADA} Old write`);
    clockMs += 50 * DAY_MS;
    await run(`note ${ADA} Recent write`);
    clockMs += 41 * DAY_MS;
    const purged = await t.bot.housekeeping.run();
    expect(purged.auditRows).toBe(1);
    const left = await t.bot.deps.store.audit.list({ teamId: 'T0TEST', sinceMs: 0, limit: 10 });
    expect(left.map((e) => e.summary)).toEqual(['Recent write']);
  });
});
