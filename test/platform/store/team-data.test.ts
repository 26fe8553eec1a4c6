import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../../src/platform/config.js';
import { pendingWriteKey } from '../../../src/platform/slack/failed-write.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { onceKey, runOnce } from '../../../src/platform/store/run-once.js';
import { TABLES_WITHOUT_TEAM_ID, TEAM_TABLES } from '../../../src/platform/store/team-data.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';
import { storeTargets } from '../../helpers/store-targets.js';
import { installation } from './store-contract.js';

/**
 * Uninstalling (app_uninstalled, or tokens_revoked for the bot) deletes every row of the team and
 * nothing else. The tables come from the database itself: a migration that adds a table fails this
 * test until the table has a seeder here and a cleanup in store/team-data.ts.
 */

/** Where the rows a seeder wrote are: `column IN values`. */
type Rows = { column: string; values: string[] };
type Seeded = Record<string, Rows>;

/** Sends raw SQL to the store's database (with $1… placeholders, rewritten to ? for SQLite). */
async function rawDatabase(config: DatabaseConfig) {
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.path);
    return {
      query: async <T>(text: string, params: unknown[] = []) =>
        db.prepare(text.replace(/\$\d+/g, '?')).all(...params) as T[],
      close: async () => db.close(),
    };
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
    close: () => client.end(),
  };
}

/** Every table of the database, and whether it has a team_id column. */
async function tablesOf(raw: Awaited<ReturnType<typeof rawDatabase>>, kind: DatabaseConfig['kind']) {
  const rows =
    kind === 'sqlite'
      ? await raw.query<{ table_name: string; team: number }>(
          `SELECT m.name AS table_name,
                  (SELECT count(*) FROM pragma_table_info(m.name) c WHERE c.name = 'team_id') AS team
           FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
        )
      : await raw.query<{ table_name: string; team: number }>(
          `SELECT t.table_name,
                  (SELECT count(*) FROM information_schema.columns c
                   WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                     AND c.column_name = 'team_id')::int AS team
           FROM information_schema.tables t WHERE t.table_schema = current_schema()`,
        );
  return {
    all: rows.map((r) => r.table_name).sort(),
    withTeamId: rows
      .filter((r) => Number(r.team) > 0)
      .map((r) => r.table_name)
      .sort(),
  };
}

const byTeam = (teamId: string): Rows => ({ column: 'team_id', values: [teamId] });

/** One (or more) rows of `teamId` in every table that holds team data, through the repositories. */
async function seed(store: Store, teamId: string): Promise<Seeded> {
  const u = () => randomUUID();
  await store.workspaces.saveInstallation(installation({ teamId }));
  await store.workspaces.setWorkspaceAccount(teamId, {
    domain: 'acme',
    email: 'api@acme.example',
    apiKey: `key-${u()}`,
    connectedBy: 'UADMIN',
    connectedMs: 1,
  });
  await store.workspaces.setPersonalAccount(teamId, 'U1', {
    slackUserId: 'U1',
    email: 'u1@acme.example',
    apiKey: `own-${u()}`,
    connectedMs: 1,
  });
  await store.settings.save(teamId, { ...DEFAULT_SETTINGS }, 'UADMIN');
  await store.userLinks.set(teamId, 'U1', 'u1@acme.example', 'UADMIN');
  const schedule = await store.digestSchedules.upsert({
    teamId,
    channelId: `C-${u()}`,
    time: '09:00',
    timeZone: 'UTC',
    horizonDays: 1,
    weekdaysOnly: false,
    ownerEmails: null,
    userId: 'UADMIN',
  });
  const run = await store.digestRuns.claim(schedule.id, '2026-03-10', 'i1');
  if (!run) throw new Error('no digest run claimed');
  // A digest click (on the run) and a Home tab task action (no run: found by its key).
  const clickKey = onceKey('digest.click', teamId, 'C1', '1.1', 'complete', '7');
  const homeKey = onceKey('home.task', teamId, 'U1', 'complete', '8', 0);
  await store.digestActions.record({
    actionKey: clickKey,
    runId: run.id,
    taskId: '7',
    action: 'complete',
    actorUserId: 'U1',
  });
  await store.digestActions.record({
    actionKey: homeKey,
    runId: null,
    taskId: '8',
    action: 'complete',
    actorUserId: 'U1',
  });
  const follow = await store.follows.add({
    teamId,
    channelId: `C-${u()}`,
    kind: 'deal',
    recordId: '42',
    label: 'Deal',
    createdBy: 'U1',
  });
  if (!follow) throw new Error('no follow added');
  await store.follows.claimPolls([follow.id], 1, 'i1');
  await store.threadLogs.record({
    teamId,
    channelId: 'C1',
    threadTs: '1.1',
    targetKind: 'contact',
    targetId: '7',
    targetName: 'Ana',
    loggedBy: 'U1',
    noteIds: ['n1'],
  });
  await store.loggedMessages.record({
    teamId,
    channel: `C-${u()}`,
    ts: '1.2',
    contactId: '7',
    noteId: 'n2',
    loggedBy: 'U1',
  });
  await store.pendingSends.hold({
    teamId,
    userId: 'U1',
    ticketId: '5',
    payload: { text: 'Dear customer, the refund is on its way.' },
    idempotencyKey: onceKey('ticket.held', teamId, u()),
    dueMs: 10_000,
  });
  await store.undoActions.record({
    teamId,
    userId: 'U1',
    kind: 'deal.move',
    refs: { dealId: '9' },
    previous: { milestone: 'Proposal' },
    fingerprint: { milestone: 'Won' },
    ttlMs: 600_000,
  });
  await store.audit.record({
    teamId,
    slackUserId: 'U1',
    agileUser: 'u1@acme.example',
    action: 'note.create',
    recordIds: { contactId: '7' },
    summary: 'Called',
    outcome: 'ok',
  });
  // A short key and one long enough to be hashed (the team stays in its head).
  const keys = [
    onceKey('note.submit', teamId, 'V1'),
    onceKey('note.quick', teamId, 'U1', 'ana@acme.example', 'x'.repeat(300)),
  ];
  expect(keys[1]).toContain('#');
  for (const key of keys) await runOnce(store, key, async () => ({ noteId: 'n3' }));
  const pendingKey = pendingWriteKey(u());
  await store.cache.set(pendingKey, { teamId, userId: 'U1', text: 'typed' }, 600);

  const seeded: Seeded = {
    digest_runs: { column: 'id', values: [run.id] },
    digest_actions: { column: 'action_key', values: [clickKey, homeKey] },
    follow_polls: { column: 'follow_id', values: [follow.id] },
    idempotency_keys: { column: 'key', values: keys },
    kv_cache: { column: 'key', values: [pendingKey] },
  };
  for (const table of TEAM_TABLES) seeded[table] = byTeam(teamId);
  return seeded;
}

const targets = await storeTargets('team data deletion', 'teamdata');

describe.each(targets)('deleteTeam deletes every row of one team (%s)', (_name, fresh) => {
  let config: DatabaseConfig;
  let store: Store;
  let raw: Awaited<ReturnType<typeof rawDatabase>>;
  beforeAll(async () => {
    config = await fresh();
    store = await openStore(config);
    raw = await rawDatabase(config);
  });
  afterAll(async () => {
    await raw?.close();
    await store?.close();
  });

  const count = async ({ column, values }: Rows, table: string) => {
    const marks = values.map((_, i) => `$${i + 1}`).join(', ');
    const [row] = await raw.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${column} IN (${marks})`,
      values,
    );
    return Number(row?.n ?? 0);
  };

  it('the cleanup lists match the schema: every table is accounted for', async () => {
    const tables = await tablesOf(raw, config.kind);
    expect(tables.withTeamId).toEqual([...TEAM_TABLES].sort());
    expect(tables.all).toEqual([...TEAM_TABLES, ...Object.keys(TABLES_WITHOUT_TEAM_ID)].sort());
  });

  it('seeds a row of two teams in every table holding team data; deleteTeam leaves none of one and all of the other', async () => {
    const gone = `T${randomUUID().slice(0, 8).toUpperCase()}`;
    // The kept team's id starts with the gone one's: a match on the id's text alone would take it too.
    const kept = `${gone}0`;
    const a = await seed(store, gone);
    const b = await seed(store, kept);

    // Every table of the schema but the migrations' own has a seeder (a new table fails here).
    const { all } = await tablesOf(raw, config.kind);
    expect(Object.keys(a).sort()).toEqual(all.filter((t) => t !== 'store_migrations'));
    const counts = async (seeded: Seeded) => {
      const out: Record<string, number> = {};
      for (const [table, rows] of Object.entries(seeded)) out[table] = await count(rows, table);
      return out;
    };
    const beforeGone = await counts(a);
    const beforeKept = await counts(b);
    for (const [table, n] of [...Object.entries(beforeGone), ...Object.entries(beforeKept)]) {
      expect(n, `${table} seeded`).toBeGreaterThan(0);
    }

    await store.workspaces.deleteTeam(gone);

    expect(await counts(a)).toEqual(Object.fromEntries(Object.keys(a).map((t) => [t, 0])));
    expect(await counts(b)).toEqual(beforeKept);
    // And through the repositories: the kept team is whole.
    expect(await store.workspaces.getInstallation(kept)).toBeDefined();
    expect(await store.workspaces.getPersonalAccount(kept, 'U1')).toBeDefined();
  });
});
