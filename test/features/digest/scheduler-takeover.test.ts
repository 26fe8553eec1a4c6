import { describe, expect, it, vi } from 'vitest';
import { gatedPoster, heldSleep, tickAndSettle, useSchedulerEnv } from './scheduler-harness.js';

// 08:00Z is 09:00 in Paris (CET) on 10 March 2026. Takeover after 5 minutes without a heartbeat.
const STALE_MS = 5 * 60_000;
const env = useSchedulerEnv({
  startIso: '2026-03-10T07:00:00Z',
  tmpPrefix: 'digest-takeover-',
  staleClaimMs: STALE_MS,
});
const { clock, instance, schedule, mains } = env;

/** Instance `id` claims the run due at `iso` and freezes with its main message in flight. */
async function claimAndFreeze(id: string, iso: string) {
  const gate = gatedPoster();
  const frozen = await instance(id, { wrapPoster: (p) => gate.wrap(p) });
  clock.set(iso);
  expect(await frozen.scheduler.tick()).toMatchObject({ claimed: 1 });
  await vi.waitFor(() => expect(gate.calls()).toBe(1));
  return { frozen, gate };
}

describe('digest run takeover (fake clock)', () => {
  it.each([
    ['another instance', 'b'],
    ['the crashed instance restarted with the same id', 'a'],
  ])(
    'a run left claimed by a crashed instance is posted once by %s after the heartbeat goes stale',
    async (_, heirId) => {
      const s = await schedule('C1');
      await claimAndFreeze('a', '2026-03-10T08:00:20Z');
      // 'a' is dead from here on: it never ticks (so never heart-beats) and its post never reaches Slack.
      const heir = await instance(heirId);
      for (const iso of ['2026-03-10T08:01:20Z', '2026-03-10T08:03:20Z', '2026-03-10T08:05:10Z']) {
        clock.set(iso);
        expect(await tickAndSettle(heir)).toMatchObject({ due: 0, claimed: 0, takenOver: 0 });
      }
      expect(mains('C1')).toHaveLength(0);
      expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
        status: 'claimed',
        instanceId: 'a',
      });

      clock.set('2026-03-10T08:05:30Z');
      expect(await tickAndSettle(heir)).toMatchObject({ takenOver: 1 });
      expect(mains('C1')).toHaveLength(1);
      // One attempt cut short by the crash, one that posted.
      expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
        status: 'posted',
        instanceId: heirId,
        attempts: 2,
        messageTs: mains('C1')[0]?.ts,
      });

      for (const iso of ['2026-03-10T08:12:00Z', '2026-03-10T09:30:00Z']) {
        clock.set(iso);
        expect(await tickAndSettle(heir)).toMatchObject({ claimed: 0, takenOver: 0 });
      }
      expect(mains('C1')).toHaveLength(1);
      env.slack.assertNoViolations();
    },
  );

  it('never takes over from an instance that is alive and heart-beating, however slow its post', async () => {
    const s = await schedule('C1');
    const { frozen: a, gate } = await claimAndFreeze('a', '2026-03-10T08:00:20Z');
    const b = await instance('b');
    for (let minute = 1; minute <= 20; minute++) {
      clock.set(new Date(Date.parse('2026-03-10T08:00:20Z') + minute * 60_000).toISOString());
      await a.scheduler.tick();
      expect(await tickAndSettle(b)).toMatchObject({ claimed: 0, takenOver: 0 });
    }
    expect(mains('C1')).toHaveLength(0);
    gate.release();
    await a.scheduler.idle();
    expect(mains('C1')).toHaveLength(1);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'posted',
      instanceId: 'a',
      attempts: 1,
    });
    clock.set('2026-03-10T08:40:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ claimed: 0, takenOver: 0 });
    expect(mains('C1')).toHaveLength(1);
  });

  it('an instance that backs off past the takeover wakes up to find the run gone and posts nothing', async () => {
    const s = await schedule('C1');
    // 'a' fails its first post and backs off until released, missing its heartbeats meanwhile.
    env.slack.failNext('chat.postMessage', { error: 'internal_error' });
    const backoff = heldSleep();
    const a = await instance('a', { retryDelaysMs: [2_000], sleep: backoff.sleep });
    clock.set('2026-03-10T08:00:20Z');
    expect(await a.scheduler.tick()).toMatchObject({ claimed: 1 });
    await vi.waitFor(async () =>
      expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
        status: 'claimed',
        attempts: 1,
        error: expect.stringContaining('internal_error'),
      }),
    );
    const b = await instance('b');
    clock.set('2026-03-10T08:04:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 0 });
    clock.set('2026-03-10T08:06:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 1 });
    expect(mains('C1')).toHaveLength(1);
    // 'a' retries: its ownership check fails, so it neither posts nor reports a failure.
    expect(backoff.asked).toEqual([2_000]);
    backoff.release();
    await a.scheduler.idle();
    // Two main-message calls in all: 'a's failed one and 'b's.
    expect(env.slack.calls('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
    expect(mains('C1')).toHaveLength(1);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'posted',
      instanceId: 'b',
      attempts: 3,
    });
  });

  it('a run left claimed at shutdown (post cut short) is taken over, not marked failed', async () => {
    const s = await schedule('C1');
    const { frozen: a } = await claimAndFreeze('a', '2026-03-10T08:00:20Z');
    await env.closeInstance(a);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'claimed',
      attempts: 1,
    });
    expect(mains('C1')).toHaveLength(0);
    const b = await instance('b');
    clock.set('2026-03-10T08:06:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 1 });
    expect(mains('C1')).toHaveLength(1);
  });

  it("never posts yesterday's digest today: a stale run of the previous local day stays as it is", async () => {
    const s = await schedule('C1', { time: '23:57' });
    // 23:57:10 in Paris on 10 March; 'a' dies with the post in flight.
    await claimAndFreeze('a', '2026-03-10T22:57:10Z');
    const b = await instance('b');
    // 00:03 on 11 March in Paris: stale for 6 minutes, but a day late.
    clock.set('2026-03-10T23:03:10Z');
    expect(await tickAndSettle(b)).toMatchObject({ due: 0, takenOver: 0 });
    clock.set('2026-03-11T12:00:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ due: 0, takenOver: 0 });
    expect(mains('C1')).toHaveLength(0);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'claimed',
      instanceId: 'a',
    });
    // The 11 March digest is its own run.
    clock.set('2026-03-11T22:57:10Z');
    expect(await tickAndSettle(b)).toMatchObject({ due: 1, claimed: 1 });
    expect(mains('C1')).toHaveLength(1);
  });
});
