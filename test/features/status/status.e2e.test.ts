import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/platform/store/index.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

const t = useTestBot();

/** Every text of every block, joined: what a reader sees. */
const allText = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);

async function status(user?: { id: string }): Promise<RecordedCall> {
  const res = await t.command('status', user ? { user } : {});
  expect(res.status).toBe(200);
  const reply = await t.slack.waitFor(RESPONSE);
  expect(reply.args.response_type).toBe('ephemeral');
  t.slack.assertNoViolations();
  return reply;
}

describe('/crm status', () => {
  it('an admin sees every check: Agile, Slack, store, scheduler, version and uptime', async () => {
    const text = allText(await status());
    expect(text).toContain('All checks passed');
    expect(text).toMatch(/reachable, API key valid \(\d+ ms\)/);
    expect(text).toMatch(/bot token valid/);
    const latest = MIGRATIONS.at(-1)?.name;
    expect(text).toContain(`SQLite, ${MIGRATIONS.length} migrations applied (latest \`${latest}\`)`);
    expect(text).toContain('Digest scheduler');
    expect(text).toMatch(/last tick <!date\^\d+\^/);
    expect(text).toMatch(/Version \d+\.\d+\.\d+ · up \d+ (s|min)/);
    // The CRM check is the documented one-contact read.
    const read = simulatorOf(t).requests.find((r) => r.path.endsWith('api/contacts'));
    expect(read?.query.page_size).toBe('1');
  });

  it('shows the last and next digest once a channel has one', async () => {
    await t.command('digest on 08:30 Europe/Berlin');
    await t.slack.waitFor(RESPONSE);
    t.slack.reset();
    const text = allText(await status());
    expect(text).toMatch(/1 digest on/);
    expect(text).toMatch(/next <!date\^\d+\^/);
  });

  it('is refused to someone who is not a workspace admin', async () => {
    const reply = await status({ id: 'U0BOB' });
    expect(allText(reply)).toContain(
      'Only workspace admins and owners (and whoever installed the app) can use /crm status',
    );
    expect(simulatorOf(t).requests).toHaveLength(0);
  });

  it('answers within its budget when Agile hangs, saying Agile did not answer in time', async () => {
    simulatorOf(t).faults.hangNext(1);
    const text = allText(await status());
    expect(text).toContain('Agile CRM did not answer in time');
    expect(text).toContain('Some checks failed');
    expect(text).toMatch(/bot token valid/);
  });

  it('says the key was rejected when Agile answers 401', async () => {
    simulatorOf(t).faults.failNext(1, 401, 'HTTP Status 401 - Unauthorized');
    const text = allText(await status());
    expect(text).toContain('key rejected');
    expect(text).toContain('Some checks failed');
  });
});
