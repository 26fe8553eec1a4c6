import { describe, expect, it } from 'vitest';
import {
  buildDigestClickNotice,
  buildDigestCommandReply,
  buildDigestFailureNotice,
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
