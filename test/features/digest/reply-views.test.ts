import { describe, expect, it } from 'vitest';
import {
  buildDigestChannelRefusal,
  buildDigestClickNotice,
  buildDigestCommandReply,
  buildDigestFailureNotice,
  buildDigestStatusReply,
  describeDigestSettings,
  describePostError,
} from '../../../src/features/digest/reply-views.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';

describe('buildDigestClickNotice', () => {
  it('names the task by its subject (escaped), never by an id', () => {
    const error = new Error('boom');
    const notUpdated = JSON.stringify(buildDigestClickNotice({ kind: 'not_updated', error }, 'Call <Ada>'));
    expect(notUpdated).toContain('Sorry, “Call &lt;Ada&gt;” was not updated');
    const unprepared = JSON.stringify(buildDigestClickNotice({ kind: 'unprepared', error }, 'Send quote'));
    expect(unprepared).toContain('Sorry, “Send quote” was not changed');
    expect(JSON.stringify(buildDigestClickNotice({ kind: 'not_updated', error }))).toContain('the task');
  });
});

describe('describeDigestSettings', () => {
  it('summarises a schedule in words, escaping emails', () => {
    expect(
      describeDigestSettings({
        time: '08:30',
        timeZone: 'Europe/Berlin',
        horizonDays: 1,
        weekdaysOnly: true,
        owners: { me: true, emails: ['a<b@x.io'] },
      }),
    ).toBe('Weekdays at 08:30 (Europe/Berlin), tasks due within 1 day, owned by you, a&lt;b@x.io');
  });
});

describe('digest failure words', () => {
  it('says what to do about a channel problem and quotes any other Slack code, escaped', () => {
    expect(describePostError('not_in_channel')).toContain('invite me');
    expect(describePostError('is_archived')).toBe('the channel is archived');
    expect(describePostError('weird<code>')).toBe('Slack answered `weird&lt;code&gt;`');
    expect(describePostError('__proto__')).toBe('Slack answered `__proto__`');
  });

  it('words the failure notice by where it failed', () => {
    const notice = buildDigestFailureNotice({ source: 'slack', code: 'ratelimited' }, true);
    expect(notice.text).toBe('The rest of today’s CRM digest could not be posted');
    expect(JSON.stringify(notice.blocks)).toContain('Slack kept rate-limiting the posts');
    expect(validateMessage(notice)).toEqual([]);
    const other = buildDigestFailureNotice({ source: 'other' }, false);
    expect(JSON.stringify(other.blocks)).toContain('something unexpected went wrong');
  });

  it('answers `owner me` without a known Agile user with a usage error', () => {
    const reply = buildDigestCommandReply({ kind: 'needs_email' });
    expect(JSON.stringify(reply.blocks)).toContain('`owner me` needs to know your Agile user');
    expect(validateMessage(reply)).toEqual([]);
  });
});

describe('a channel shared with another organisation', () => {
  it('`on` and `now` are refused saying why and what did not happen', () => {
    const on = JSON.stringify(buildDigestChannelRefusal('on', 'external'));
    expect(on).toContain(
      'This channel is shared with another organisation, so CRM digests are not posted here',
    );
    expect(on).toContain('No digest was scheduled');
    const unknown = JSON.stringify(buildDigestChannelRefusal('now', 'unknown'));
    expect(unknown).toContain('I could not check with Slack');
    expect(unknown).toContain('The digest was not posted');
    for (const m of [
      buildDigestChannelRefusal('on', 'external'),
      buildDigestChannelRefusal('now', 'unknown'),
    ])
      expect(validateMessage(m)).toEqual([]);
  });

  it('status says a skipped scheduled digest was not posted and that the schedule is kept', () => {
    const reply = JSON.stringify(
      buildDigestStatusReply(
        {
          id: 's1',
          teamId: 'T1',
          channelId: 'C1',
          time: '09:00',
          timeZone: 'UTC',
          horizonDays: 3,
          weekdaysOnly: false,
          ownerEmails: null,
          enabled: true,
          lastRun: {
            status: 'failed',
            localDate: '2026-01-15',
            attempts: 1,
            error: 'external_channel: shared with another organisation',
          },
        } as unknown as Parameters<typeof buildDigestStatusReply>[0],
        new Date('2026-01-16T09:00:00Z'),
      ),
    );
    expect(reply).toContain('2026-01-15, not posted: this channel is shared with another organisation');
    expect(reply).toContain('The schedule is kept');
    expect(reply).not.toContain('failed after');
  });
});
