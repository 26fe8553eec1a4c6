// PostgreSQL restarted mid-run (issue 11 part 9): the bot runs on PostgreSQL; the server drops every
// connection of the bot's database (what a restart does to its clients) while a write is in flight and
// between requests. The write is still done once and confirmed, and the bot recovers by itself.
// 127.0.0.1 only; the other databases on the server are not touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE } from '../helpers/fake-slack.js';
import { adminQuery, createTestDatabase, dropTestDatabase, postgresProblem } from '../helpers/postgres.js';
import { simulatorOf, startTestBot, type TestBot } from '../helpers/test-bot.js';

const problem = await postgresProblem();
const ADA = 'ada.lovelace@northwind.example.com';

describe.runIf(problem === null)('PostgreSQL restarted mid-run', () => {
  let t: TestBot;
  let database: { name: string; url: string };
  beforeAll(async () => {
    database = await createTestDatabase('test_restart');
    t = await startTestBot({ env: { DATABASE_URL: database.url }, scheduler: { enabled: false } });
  });
  afterAll(async () => {
    await t?.close();
    if (database) await dropTestDatabase(database.name);
  });

  /** What a server restart does to the bot: every connection to its database is closed under it. */
  const dropConnections = () =>
    adminQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
    );
  const notesWith = (text: string) => simulatorOf(t).state.notes.filter((n) => n.subject === text);

  async function quickNote(text: string): Promise<string> {
    const from = t.slack.log.length;
    await t.command(`note ${ADA} ${text}`);
    const reply = await t.slack.waitFor(RESPONSE, (c) => t.slack.log.indexOf(c) >= from, 10_000);
    await t.idle();
    return JSON.stringify([reply.args.text, reply.args.blocks]);
  }

  it('a write in flight when the connections drop is written once and confirmed; the same command again replays', async () => {
    expect(await quickNote('Before the restart')).toContain('Logged a note');
    // The note's key is claimed in PostgreSQL, then the CRM is slow: the connections drop meanwhile.
    simulatorOf(t).faults.latencyMs = 600;
    const from = t.slack.log.length;
    await t.command(`note ${ADA} During the restart`);
    await new Promise((r) => setTimeout(r, 200));
    await dropConnections();
    const reply = await t.slack.waitFor(RESPONSE, (c) => t.slack.log.indexOf(c) >= from, 10_000);
    await t.idle();
    simulatorOf(t).faults.latencyMs = 0;
    expect(JSON.stringify(reply.args)).toContain('Logged a note');
    expect(notesWith('During the restart')).toHaveLength(1);
    // The key was marked done on a new connection: a re-sent command does not write again.
    expect(await quickNote('During the restart')).toContain('already logged');
    expect(notesWith('During the restart')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('between requests: the next command works with no restart of the bot', async () => {
    await dropConnections();
    expect(await quickNote('After the restart')).toContain('Logged a note');
    expect(notesWith('After the restart')).toHaveLength(1);
    t.slack.assertNoViolations();
  });
});
