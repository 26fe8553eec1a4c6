import { describe, expect, it } from 'vitest';
import { tickAndSettle, useSchedulerEnv } from './scheduler-harness.js';

// 08:00Z is 09:00 in Paris (CET) on 10 March 2026.
const env = useSchedulerEnv({ startIso: '2026-03-10T07:00:00Z', tmpPrefix: 'digest-scheduler-' });
const { clock, instance, schedule, mains } = env;

describe('digest scheduler (fake clock)', () => {
  it('posts at HH:MM in the schedule’s zone, once per local day', async () => {
    const s = await schedule('C1');
    const a = await instance();
    clock.set('2026-03-10T07:59:30Z');
    expect(await tickAndSettle(a)).toMatchObject({ schedules: 1, due: 0, claimed: 0 });
    expect(mains('C1')).toHaveLength(0);

    clock.set('2026-03-10T08:00:20Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 1, claimed: 1 });
    expect(mains('C1')).toHaveLength(1);
    const run = await env.admin.digestRuns.find(s.id, '2026-03-10');
    expect(run).toMatchObject({ status: 'posted', messageTs: mains('C1')[0]?.ts, instanceId: 'a' });

    clock.set('2026-03-10T08:01:20Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 0, claimed: 0 });
    expect(mains('C1')).toHaveLength(1);
    env.slack.assertNoViolations();
  });

  it('catches up after a restart the same local day, and not the next day before HH:MM', async () => {
    await schedule('C1');
    // The bot was down at 09:00 and starts at 10:30 Paris time.
    clock.set('2026-03-10T09:30:00Z');
    const first = await instance('first-life');
    first.scheduler.start();
    await first.scheduler.tick();
    await first.scheduler.idle();
    expect(mains('C1')).toHaveLength(1);

    // Another restart later that day posts nothing more.
    await env.closeInstance(first);
    clock.set('2026-03-10T09:45:00Z');
    const second = await instance('second-life');
    await tickAndSettle(second);
    expect(mains('C1')).toHaveLength(1);

    clock.set('2026-03-11T07:59:00Z');
    await tickAndSettle(second);
    expect(mains('C1')).toHaveLength(1);
    clock.set('2026-03-11T08:00:05Z');
    await tickAndSettle(second);
    expect(mains('C1')).toHaveLength(2);
  });

  it('does not fire at once for a schedule turned on after today’s time', async () => {
    clock.set('2026-03-10T09:30:00Z');
    await schedule('C1');
    const a = await instance();
    expect(await tickAndSettle(a)).toMatchObject({ due: 0 });
    clock.set('2026-03-11T08:00:05Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 1, claimed: 1 });
    expect(mains('C1')).toHaveLength(1);
  });

  it('skips weekends for a weekdays schedule and follows DST', async () => {
    // Saturday 28 and Sunday 29 March 2026 (Paris springs forward on the 29th) then Monday 30.
    clock.set('2026-03-27T06:00:00Z');
    await schedule('C1', { weekdaysOnly: true });
    const a = await instance();
    for (const iso of ['2026-03-28T08:00:30Z', '2026-03-29T07:00:30Z']) {
      clock.set(iso);
      expect(await tickAndSettle(a)).toMatchObject({ due: 0 });
    }
    // 09:00 CEST on Monday is 07:00Z.
    clock.set('2026-03-30T06:59:30Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 0 });
    clock.set('2026-03-30T07:00:10Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 1, claimed: 1 });
  });

  it('retries a failed post with backoff and posts once', async () => {
    const s = await schedule('C1');
    const a = await instance();
    env.slack.failNext('chat.postMessage', { error: 'internal_error' }, 2);
    clock.set('2026-03-10T08:00:20Z');
    await tickAndSettle(a);
    expect(a.backoffs).toEqual([10, 20]);
    expect(mains('C1')).toHaveLength(1);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'posted',
      attempts: 3,
    });
  });

  it('reports only the final failure in the channel', async () => {
    const s = await schedule('C1');
    const a = await instance();
    env.slack.failNext('chat.postMessage', { error: 'internal_error' }, 3);
    clock.set('2026-03-10T08:00:20Z');
    await tickAndSettle(a);
    const posted = mains('C1');
    expect(posted).toHaveLength(1);
    expect(posted[0]?.text).toContain('could not be posted');
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'failed',
      attempts: 3,
    });
    env.slack.assertNoViolations();
  });

  it('honours a 429 Retry-After and posts once', async () => {
    const s = await schedule('C1');
    const a = await instance();
    env.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    clock.set('2026-03-10T08:00:20Z');
    await tickAndSettle(a);
    expect(a.posterWaits).toEqual([1000]);
    expect(mains('C1')).toHaveLength(1);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'posted',
      attempts: 1,
    });
  });

  it('gives up on a channel it cannot post to at once and carries on with the others', async () => {
    const bad = await schedule('C-BAD');
    const good = await schedule('C-GOOD');
    env.slack.channelErrors.set('C-BAD', 'not_in_channel');
    const a = await instance();
    clock.set('2026-03-10T08:00:20Z');
    expect(await tickAndSettle(a)).toMatchObject({ due: 2, claimed: 2 });
    expect(await env.admin.digestRuns.find(bad.id, '2026-03-10')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: expect.stringContaining('not_in_channel'),
    });
    expect(await env.admin.digestRuns.find(good.id, '2026-03-10')).toMatchObject({ status: 'posted' });
    expect(env.slack.calls('chat.postMessage').filter((c) => c.args.channel === 'C-BAD')).toHaveLength(1);
  });
});
