import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOTE_TEXT_MAX, noteFormSchema } from '../../../src/features/note/schema.js';
import {
  buildNoteFooter,
  composeNoteDescription,
  deriveSubject,
  quickNoteKey,
} from '../../../src/features/note/use-case.js';
import { parseForm } from '../../../src/platform/slack/form-flow.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';
import {
  findEmails,
  mentionedUserIds,
  slackTextToPlain,
  unnamedChannelIds,
} from '../../../src/platform/slack/slack-text.js';

describe('slackTextToPlain', () => {
  const users = new Map([['U0BOB', 'Bob Baker']]);

  it('resolves user mentions to names, keeps a label or the id when unknown', () => {
    expect(slackTextToPlain('hi <@U0BOB> and <@U0ZED|zed> and <@U0NONE>', { users })).toBe(
      'hi @Bob Baker and @zed and @U0NONE',
    );
  });

  it('unwraps channels, special mentions, dates, groups and links', () => {
    const channels = new Map([['C0OPS', 'ops']]);
    expect(slackTextToPlain('<#C0SALES|sales> <#C0OPS> <#C0OPS|> <#C0X>', { channels })).toBe(
      '#sales #ops #ops #C0X',
    );
    expect(slackTextToPlain('<!here> <!channel> <!everyone> <!here|@here>')).toBe(
      '@here @channel @everyone @here',
    );
    expect(slackTextToPlain('<!subteam^S1|@sales-team> <!subteam^S2>')).toBe('@sales-team @group');
    expect(slackTextToPlain('due <!date^1392734382^{date}|Feb 18>')).toBe('due Feb 18');
    expect(slackTextToPlain('<https://x.example/a?b=1&amp;c=2|the doc> <https://y.example>')).toBe(
      'the doc (https://x.example/a?b=1&c=2) https://y.example',
    );
    expect(slackTextToPlain('<mailto:ana@acme.com|ana@acme.com> <tel:+15551234|+1 555 1234>')).toBe(
      'ana@acme.com +1 555 1234 (+15551234)',
    );
  });

  it('decodes entities once, so typed entities stay literal', () => {
    expect(slackTextToPlain('a &lt;b&gt; &amp;lt;c&amp;gt; &amp;')).toBe('a <b> &lt;c&gt; &');
  });

  it('never throws and leaves text without markup unchanged (except entities)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = slackTextToPlain(s);
        expect(typeof out).toBe('string');
        if (!/[<&]/.test(s)) expect(out).toBe(s);
      }),
    );
  });
});

describe('mention and email finders', () => {
  it('lists mentioned users and unnamed channels once each', () => {
    expect(mentionedUserIds('<@U1> <@U2|x> <@U1> <#C1>')).toEqual(['U1', 'U2']);
    expect(unnamedChannelIds('<#C1> <#C2|two> <#C3|> <#C1>')).toEqual(['C1', 'C3']);
  });

  it('finds emails as written, once case-insensitively, at most max', () => {
    expect(findEmails('Ana@Acme.com, bob@x.io. ana@acme.com and c@d.example.org')).toEqual([
      'Ana@Acme.com',
      'bob@x.io',
      'c@d.example.org',
    ]);
    expect(findEmails('a@b.co c@d.co e@f.co', 2)).toEqual(['a@b.co', 'c@d.co']);
    expect(findEmails('no email @ here')).toEqual([]);
  });
});

describe('note text', () => {
  it('the footer says who, where and links the message', () => {
    expect(
      buildNoteFooter({ loggedByName: 'Alice', channelName: 'sales', permalink: 'https://a.slack.com/p1' }),
    ).toBe('Logged from Slack by Alice in #sales — https://a.slack.com/p1');
    expect(buildNoteFooter({ loggedByName: 'Alice', channelName: 'directmessage' })).toBe(
      'Logged from Slack by Alice',
    );
    expect(buildNoteFooter({ loggedByName: ' ' })).toBe('Logged from Slack by a Slack user');
  });

  it('the description ends with the footer, after the author', () => {
    const d = composeNoteDescription('Hello\n\n', {
      loggedByName: 'Alice',
      channelName: 'sales',
      permalink: 'https://p',
      authorName: 'Bob',
    });
    expect(d).toBe('Hello\n\nMessage by Bob\nLogged from Slack by Alice in #sales — https://p');
  });

  it('derives a short subject from the first non-empty line', () => {
    expect(deriveSubject('\n  Called   Ana \nmore')).toBe('Called Ana');
    expect(deriveSubject('   ')).toBe('Note from Slack');
    const long = deriveSubject('x'.repeat(200));
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });

  it('validates contact, text and length before any I/O, each issue under its input', () => {
    const errors = (values: Record<string, unknown>) => {
      const parsed = parseForm(noteFormSchema, values);
      return parsed.ok ? {} : parsed.errors;
    };
    expect(parseForm(noteFormSchema, { contact: '1', note: 'ok' })).toEqual({
      ok: true,
      data: { contact: '1', note: 'ok' },
    });
    expect(Object.keys(errors({ note: ' ' })).sort()).toEqual([BLOCK.contact, BLOCK.note].sort());
    expect(errors({ contact: '1', note: 'x'.repeat(NOTE_TEXT_MAX + 1) })[BLOCK.note]).toMatch(/40,000/);
    expect(errors({ contact: '1', note: 'ok', subject: 's'.repeat(300) })[BLOCK.subject]).toBeDefined();
  });

  it('the quick-note key has no clock in it and differs by user, email (any case), text', () => {
    const u1 = { teamId: 'T1', userId: 'U1' };
    const k = quickNoteKey(u1, 'Ana@X.com', 'hello');
    expect(quickNoteKey(u1, 'ana@x.com', 'hello ')).toBe(k);
    expect(quickNoteKey({ teamId: 'T1', userId: 'U2' }, 'ana@x.com', 'hello')).not.toBe(k);
    expect(quickNoteKey({ teamId: 'T2', userId: 'U1' }, 'ana@x.com', 'hello')).not.toBe(k);
    expect(quickNoteKey(u1, 'bob@x.com', 'hello')).not.toBe(k);
    expect(quickNoteKey(u1, 'ana@x.com', 'hello!')).not.toBe(k);
    expect(k.length).toBeLessThan(255);
  });
});
