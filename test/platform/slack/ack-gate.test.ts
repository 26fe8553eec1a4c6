import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAckGate } from '../../../src/platform/slack/ack-gate.js';

const fakeResponse = () => new EventEmitter() as unknown as ServerResponse;

describe('ack gate', () => {
  it('resolves at once when no request waits for its ack', async () => {
    const gate = createAckGate();
    const started = Date.now();
    await gate.afterPendingAcks(1000);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('holds post-ack work until every pending request has been answered', async () => {
    const gate = createAckGate();
    const a = fakeResponse();
    const b = fakeResponse();
    gate.track(a);
    gate.track(b);
    let released = false;
    const waiting = gate.afterPendingAcks(5000).then(() => {
      released = true;
    });
    a.emit('finish');
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    expect(gate.pending).toBe(1);
    b.emit('close');
    await waiting;
    expect(released).toBe(true);
    expect(gate.pending).toBe(0);
  });

  it('never starves: gives up waiting after maxWaitMs', async () => {
    const gate = createAckGate();
    gate.track(fakeResponse());
    const started = Date.now();
    await gate.afterPendingAcks(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
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
