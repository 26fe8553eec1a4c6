import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { storeTargets } from '../../helpers/store-targets.js';

const targets = await storeTargets('logged messages', 'logged');

// Above 2^53: must be matched exactly as written.
const NOTE = '9007199254740993123';
const message = {
  teamId: 'T0ACME',
  channel: 'C0SALES',
  ts: '1712345678.000100',
  loggedBy: 'U1',
  permalink: 'https://x/p1',
};

describe.each(targets)('logged messages store: %s', (_name, fresh) => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(await fresh());
  });
  afterEach(async () => {
    await store.close();
  });

  it('forgets the log of an undone note; the message may then be logged to that contact again', async () => {
    await store.loggedMessages.record({ ...message, contactId: '111', noteId: NOTE });
    expect(await store.loggedMessages.forget({ ...message, contactId: '111', noteId: NOTE })).toEqual({
      forgotten: true,
      remaining: 0,
    });
    expect(await store.loggedMessages.find(message.channel, message.ts, '111')).toBeUndefined();
    const again = await store.loggedMessages.record({ ...message, contactId: '111', noteId: 'N2' });
    expect(again).toMatchObject({ created: true, message: { noteId: 'N2' } });
  });

  it('keeps the logs to other contacts and says how many remain', async () => {
    await store.loggedMessages.record({ ...message, contactId: '111', noteId: 'N1' });
    await store.loggedMessages.record({ ...message, contactId: '222', noteId: 'N2' });
    await store.loggedMessages.record({
      ...message,
      ts: '1712345678.000200',
      contactId: '111',
      noteId: 'N3',
    });
    expect(await store.loggedMessages.forget({ ...message, contactId: '111', noteId: 'N1' })).toEqual({
      forgotten: true,
      remaining: 1,
    });
    expect(await store.loggedMessages.find(message.channel, message.ts, '222')).toMatchObject({
      noteId: 'N2',
    });
    expect(await store.loggedMessages.find(message.channel, '1712345678.000200', '111')).toBeDefined();
  });

  it('leaves a log of another note alone (only the undone note’s log goes)', async () => {
    await store.loggedMessages.record({ ...message, contactId: '111', noteId: 'N1' });
    expect(await store.loggedMessages.forget({ ...message, contactId: '111', noteId: 'N9' })).toEqual({
      forgotten: false,
      remaining: 1,
    });
    expect(await store.loggedMessages.find(message.channel, message.ts, '111')).toMatchObject({
      noteId: 'N1',
    });
    expect(await store.loggedMessages.forget({ ...message, contactId: '333', noteId: 'N1' })).toEqual({
      forgotten: false,
      remaining: 1,
    });
  });
});
