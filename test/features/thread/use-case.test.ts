import { describe, expect, it } from 'vitest';
import { slackReadWords } from '../../../src/features/thread/use-case.js';

const slackError = (error: string) => Object.assign(new Error(error), { data: { ok: false, error } });

describe('slackReadWords', () => {
  it('a channel the app is not in: invite it', () => {
    expect(
      slackReadWords(slackError('not_in_channel'), { channel: 'C0SALES', channelName: 'sales' }),
    ).toContain('/invite @Agile CRM');
  });

  it('a direct message: no /invite (impossible there), but what to do instead', () => {
    for (const where of [
      { channel: 'D0ALICEBOB', channelName: 'directmessage' },
      { channel: 'G0GROUP', channelName: 'mpdm-alice--bob--eve-1' },
    ]) {
      for (const code of ['not_in_channel', 'channel_not_found']) {
        const words = slackReadWords(slackError(code), where) ?? '';
        expect(words).not.toContain('/invite');
        expect(words).toMatch(/it is in a (group )?direct message, which the Agile CRM app is not part of/);
        expect(words).toContain('Log to CRM on the messages you want to keep');
      }
    }
    expect(
      slackReadWords(slackError('channel_not_found'), { channel: 'G0GROUP', channelName: 'mpdm-a--b-1' }),
    ).toContain('a group direct message');
  });

  it('not a Slack error: undefined', () => {
    expect(slackReadWords(new Error('boom'), { channel: 'C1' })).toBeUndefined();
  });
});
