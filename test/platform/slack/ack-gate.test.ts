import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAckGate } from '../../../src/platform/slack/ack-gate.js';

const fakeResponse = () => new EventEmitter() as unknown as ServerResponse;

/** Tracks whether a promise has settled, so time can be advanced by hand around it. */
function watch(promise: Promise<void>) {
  const state = { done: false };
  void promise.then(() => {
    state.done = true;
  });
  return state;
}

describe('ack gate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves at once when no request waits for its ack', async () => {
    const gate = createAckGate();
    const waiting = watch(gate.afterPendingAcks(1000));
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.done).toBe(true);
  });

  it('holds post-ack work until every pending request has been answered', async () => {
    const gate = createAckGate();
    const a = fakeResponse();
    const b = fakeResponse();
    gate.track(a);
    gate.track(b);
    const waiting = watch(gate.afterPendingAcks(5000));
    a.emit('finish');
    await vi.advanceTimersByTimeAsync(20);
    expect(waiting.done).toBe(false);
    expect(gate.pending).toBe(1);
    b.emit('close');
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.done).toBe(true);
    expect(gate.pending).toBe(0);
  });

  it('never starves: gives up waiting after maxWaitMs', async () => {
    const gate = createAckGate();
    gate.track(fakeResponse());
    const waiting = watch(gate.afterPendingAcks(60));
    await vi.advanceTimersByTimeAsync(59);
    expect(waiting.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.done).toBe(true);
  });

  it('counts a response once even when both finish and close fire', () => {
    const gate = createAckGate();
    const res = fakeResponse();
    gate.track(res);
    gate.track(fakeResponse());
    res.emit('finish');
    res.emit('close');
    expect(gate.pending).toBe(1);
  });
});
