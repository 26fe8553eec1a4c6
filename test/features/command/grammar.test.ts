import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CrmCommand, parseCrmCommand, unwrapSlackText } from '../../../src/features/command/grammar.js';
import { classifyLookupQuery } from '../../../src/features/contacts/lookup-query.js';
import { editDistance, isEmail } from '../../../src/platform/text.js';

const KINDS = new Set([
  'help',
  'lookup',
  'modal',
  'note',
  'task',
  'move',
  'reply',
  'digest',
  'status',
  'audit',
  'follow',
  'unfollow',
  'following',
  'connect',
  'disconnect',
  'error',
]);

function expectError(cmd: CrmCommand): { message: string; usage: string } {
  if (cmd.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(cmd)}`);
  return cmd;
}

describe('parseCrmCommand: help', () => {
  it.each(['', '   ', '\n', 'help', 'HELP', '?', 'help note', '  Help  '])('%j is help', (text) => {
    expect(parseCrmCommand(text)).toEqual({ kind: 'help' });
  });
});

describe('parseCrmCommand: lookup and its aliases', () => {
  it.each(['lookup', 'find', 'search', 'who', 'LookUp'])('%s <email>', (word) => {
    expect(parseCrmCommand(`${word} ana@acme.com`)).toEqual({
      kind: 'lookup',
      query: 'ana@acme.com',
      target: { kind: 'email', email: 'ana@acme.com' },
    });
  });

  it('a phone number', () => {
    expect(parseCrmCommand('who +1 (555) 123-4567')).toEqual({
      kind: 'lookup',
      query: '+1 (555) 123-4567',
      target: { kind: 'phone', digits: '+15551234567', raw: '+1 (555) 123-4567' },
    });
  });

  it('name words', () => {
    expect(parseCrmCommand('find  Ana   López ')).toEqual({
      kind: 'lookup',
      query: 'Ana   López',
      target: { kind: 'name', words: ['Ana', 'López'] },
    });
  });

  it('an email Slack wrapped as a mailto link', () => {
    const cmd = parseCrmCommand('lookup <mailto:Ana@Acme.com|Ana@Acme.com>');
    expect(cmd).toMatchObject({ kind: 'lookup', target: { kind: 'email', email: 'Ana@Acme.com' } });
  });

  it('a phone Slack wrapped as a tel link keeps what was typed', () => {
    const cmd = parseCrmCommand('lookup <tel:+4930123456|+49 30 123456>');
    expect(cmd).toMatchObject({
      kind: 'lookup',
      target: { kind: 'phone', digits: '+4930123456', raw: '+49 30 123456' },
    });
  });

  it('nothing to look for is an error naming lookup', () => {
    const err = expectError(parseCrmCommand('lookup'));
    expect(err.message).toContain('/crm lookup');
    expect(err.usage).toContain('/crm lookup');
  });
});

describe('classifyLookupQuery', () => {
  it.each([
    ['ana@acme.com', 'email'],
    ['ana.lopez+crm@sub.acme.co.uk', 'email'],
    ['+44 20 7946 0958', 'phone'],
    ['(555) 123-4567', 'phone'],
    ['555.123.4567', 'phone'],
    ['1234', 'name'], // too short to be a phone number
    ['Ana Lopez', 'name'],
    ['ana@acme', 'name'],
    ['Acme 2000', 'name'],
  ])('%s → %s', (q, kind) => {
    expect(classifyLookupQuery(q).kind).toBe(kind);
  });

  it('keeps a leading + only when typed', () => {
    expect(
      classifyLookupQuery('0049 30 123').kind === 'phone' && classifyLookupQuery('0049 30 123'),
    ).toMatchObject({
      digits: '004930123',
    });
    expect(classifyLookupQuery('+1-555-0100')).toMatchObject({ digits: '+15550100' });
  });
});

describe('isEmail', () => {
  it.each(['a@b.co', 'first.last@example.com', 'x_y-z+tag@mail.example.org'])('accepts %s', (e) => {
    expect(isEmail(e)).toBe(true);
  });
  it.each([
    'a@b',
    'a b@c.com',
    '@c.com',
    'a@@c.com',
    'a@c.c',
    '<a@c.com>',
    'a@c.123',
    `${'a'.repeat(250)}@c.com`,
  ])('refuses %s', (e) => {
    expect(isEmail(e)).toBe(false);
  });
});

describe('parseCrmCommand: note', () => {
  it('alone opens the modal', () => {
    expect(parseCrmCommand('note')).toEqual({ kind: 'modal', modal: 'note' });
  });

  it('quick note keeps the text exactly, inner whitespace and newlines included', () => {
    expect(parseCrmCommand('note ana@acme.com Called  about\n\n  the renewal\t(Q3)')).toEqual({
      kind: 'note',
      email: 'ana@acme.com',
      text: 'Called  about\n\n  the renewal\t(Q3)',
    });
  });

  it('the email may be followed by a newline', () => {
    expect(parseCrmCommand('note ana@acme.com\nline one\nline two')).toMatchObject({
      text: 'line one\nline two',
    });
  });

  it('unwraps Slack links and entities in the text', () => {
    expect(
      parseCrmCommand(
        'note <mailto:ana@acme.com|ana@acme.com> cc <mailto:bo@acme.com|bo@acme.com> &lt;b&gt; &amp;',
      ),
    ).toEqual({ kind: 'note', email: 'ana@acme.com', text: 'cc bo@acme.com <b> &' });
  });

  it('without an email says so and shows the usage', () => {
    const err = expectError(parseCrmCommand('note ana Called about renewal'));
    expect(err.message).toContain('needs an email then the text');
    expect(err.message).toContain('`ana`');
    expect(err.usage).toContain('/crm note');
  });

  it('without text asks for the text', () => {
    const err = expectError(parseCrmCommand('note ana@acme.com   '));
    expect(err.message).toContain('Add the note text');
  });
});

describe('parseCrmCommand: task', () => {
  it('alone opens the modal', () => {
    expect(parseCrmCommand('task')).toEqual({ kind: 'modal', modal: 'task' });
  });

  it('subject without due', () => {
    expect(parseCrmCommand('task ana@acme.com Send the quote')).toEqual({
      kind: 'task',
      email: 'ana@acme.com',
      subject: 'Send the quote',
      dueText: null,
    });
  });

  it.each([
    ['task ana@acme.com Send the quote due tomorrow 3pm', 'Send the quote', 'tomorrow 3pm'],
    ['task ana@acme.com Call back DUE fri', 'Call back', 'fri'],
    [
      'task ana@acme.com Review due diligence due 2026-12-03 09:30',
      'Review due diligence',
      '2026-12-03 09:30',
    ],
    ['task ana@acme.com Pay\ninvoice due in 2 days', 'Pay\ninvoice', 'in 2 days'],
  ])('%j: the last " due " starts the due text', (text, subject, dueText) => {
    expect(parseCrmCommand(text)).toEqual({ kind: 'task', email: 'ana@acme.com', subject, dueText });
  });

  it('"due" as part of a word is subject', () => {
    expect(parseCrmCommand('task ana@acme.com Check overdue invoices')).toMatchObject({
      subject: 'Check overdue invoices',
      dueText: null,
    });
  });

  it('a due without subject is an error', () => {
    expect(expectError(parseCrmCommand('task ana@acme.com due fri')).message).toContain('Add a subject');
    expect(expectError(parseCrmCommand('task ana@acme.com')).message).toContain('Add a subject');
  });

  it('a non-email first word is an error', () => {
    const err = expectError(parseCrmCommand('task Ana Send quote'));
    expect(err.message).toContain('needs an email');
    expect(err.usage).toContain('due <when>');
  });
});

describe('parseCrmCommand: deal, move, reply/ticket, digest', () => {
  it('deal opens the modal; arguments are refused', () => {
    expect(parseCrmCommand('deal')).toEqual({ kind: 'modal', modal: 'deal' });
    expect(expectError(parseCrmCommand('deal Acme')).message).toContain('/crm deal');
  });

  it('move alone opens the modal', () => {
    expect(parseCrmCommand('move')).toEqual({ kind: 'modal', modal: 'move' });
  });

  it('move by id', () => {
    expect(parseCrmCommand('move 5629499534213120 to Won')).toEqual({
      kind: 'move',
      deal: { kind: 'id', id: '5629499534213120' },
      milestone: 'Won',
    });
  });

  it('move by name splits at the last " to "', () => {
    expect(parseCrmCommand('move Back to school promo TO  Proposal sent ')).toEqual({
      kind: 'move',
      deal: { kind: 'name', name: 'Back to school promo' },
      milestone: 'Proposal sent',
    });
  });

  it.each(['move Acme', 'move to Won', 'move Acme to'])('%j is an error with the move usage', (text) => {
    const err = expectError(parseCrmCommand(text));
    expect(err.message).toContain('`to`');
    expect(err.usage).toContain('/crm move');
  });

  it.each(['ticket', 'reply', 'Reply'])('%s alone opens the ticket modal', (word) => {
    expect(parseCrmCommand(word)).toEqual({ kind: 'modal', modal: 'ticket' });
  });

  it.each(['reply', 'ticket'])('%s <id> <text> keeps the text', (word) => {
    expect(parseCrmCommand(`${word} #42 Thanks!\n\nThe fix is live.`)).toEqual({
      kind: 'reply',
      ticketId: '42',
      text: 'Thanks!\n\nThe fix is live.',
    });
  });

  it('reply with a non-numeric id or no text is an error', () => {
    expect(expectError(parseCrmCommand('reply abc hello')).message).toContain('ticket number');
    expect(expectError(parseCrmCommand('ticket abc hello')).message).toContain('/crm ticket');
    expect(expectError(parseCrmCommand('reply 42')).message).toContain('Add the reply text');
  });

  it.each([
    ['digest', ''],
    ['digest on 08:30 Europe/Berlin days 3 weekdays', 'on 08:30 Europe/Berlin days 3 weekdays'],
    ['DIGEST   status  ', 'status'],
  ])('%j passes its arguments on', (text, args) => {
    expect(parseCrmCommand(text)).toEqual({ kind: 'digest', args });
  });
});

describe('parseCrmCommand: status', () => {
  it.each(['status', ' STATUS ', 'Status'])('%j is status', (text) => {
    expect(parseCrmCommand(text)).toEqual({ kind: 'status' });
  });

  it('takes nothing after it', () => {
    const err = expectError(parseCrmCommand('status now'));
    expect(err.message).toContain('`/crm status`');
    expect(err.usage).toContain('/crm status');
  });

  it('a typo suggests it', () => {
    expect(expectError(parseCrmCommand('statsu')).message).toContain('Did you mean `/crm status`');
  });
});

describe('parseCrmCommand: audit', () => {
  it('alone: the default window, everyone', () => {
    expect(parseCrmCommand('audit')).toEqual({ kind: 'audit', days: null, userId: null });
  });

  it.each([
    ['audit days 30', 30, null],
    ['AUDIT  Days 1  ', 1, null],
    ['audit user <@U0BOB|Bob Baker>', null, 'U0BOB'],
    ['audit user <@U0BOB>', null, 'U0BOB'],
    ['audit user @U0BOB days 14', 14, 'U0BOB'],
    ['audit days 14 user W0ENT123', 14, 'W0ENT123'],
  ])('%j', (text, days, userId) => {
    expect(parseCrmCommand(text)).toEqual({ kind: 'audit', days, userId });
  });

  it.each([
    ['audit days', '`/crm audit` takes'],
    ['audit days 0', 'whole number of days'],
    ['audit days -3', 'whole number of days'],
    ['audit days 2.5', 'whole number of days'],
    ['audit days soon', '`soon`'],
    ['audit user @bob', 'type @ and pick the person'],
    ['audit user bob', 'type @ and pick the person'],
    ['audit days 3 days 4', 'each once'],
    ['audit everything', '`everything`'],
  ])('%j is an error with the audit usage', (text, words) => {
    const err = expectError(parseCrmCommand(text));
    expect(err.message).toContain(words);
    expect(err.usage).toContain('/crm audit [days N] [user @someone]');
  });

  it('a near miss suggests it', () => {
    expect(expectError(parseCrmCommand('audti')).message).toContain('Did you mean `/crm audit`');
  });
});

describe('parseCrmCommand: follow, unfollow, following', () => {
  it('names a deal, a contact or a ticket', () => {
    expect(parseCrmCommand('follow Acme renewal')).toEqual({
      kind: 'follow',
      target: { kind: 'name', name: 'Acme renewal' },
    });
    expect(parseCrmCommand('follow <mailto:ana@acme.com|ana@acme.com>')).toEqual({
      kind: 'follow',
      target: { kind: 'email', email: 'ana@acme.com' },
    });
    expect(parseCrmCommand('follow 5632144419496002')).toEqual({
      kind: 'follow',
      target: { kind: 'id', id: '5632144419496002', hint: null },
    });
    expect(parseCrmCommand('follow #12')).toEqual({
      kind: 'follow',
      target: { kind: 'id', id: '12', hint: 'ticket' },
    });
    expect(parseCrmCommand('unfollow ticket 12')).toEqual({
      kind: 'unfollow',
      target: { kind: 'id', id: '12', hint: 'ticket' },
    });
    expect(parseCrmCommand('follow deal 77')).toEqual({
      kind: 'follow',
      target: { kind: 'id', id: '77', hint: 'deal' },
    });
    expect(parseCrmCommand('follow deal Acme  pilot')).toEqual({
      kind: 'follow',
      target: { kind: 'name', name: 'Acme pilot' },
    });
    expect(parseCrmCommand('follow contact ana@acme.com')).toEqual({
      kind: 'follow',
      target: { kind: 'email', email: 'ana@acme.com' },
    });
  });

  it('needs something to follow; following takes nothing', () => {
    expect(expectError(parseCrmCommand('follow')).message).toContain('needs what to follow');
    expect(expectError(parseCrmCommand('unfollow  ')).message).toContain('needs what to unfollow');
    expect(parseCrmCommand('following')).toEqual({ kind: 'following' });
    expect(expectError(parseCrmCommand('following deals')).message).toContain('takes nothing after it');
  });

  it('a typo suggests it', () => {
    expect(expectError(parseCrmCommand('folow Acme')).message).toContain('/crm follow …');
  });

  it('any text after follow parses to a target that keeps its words', () => {
    const word = fc.stringMatching(/^[^\s<>&`]{1,12}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
        const cmd = parseCrmCommand(`follow ${words.join(' ')}`);
        expect(cmd.kind).toBe('follow');
        if (cmd.kind !== 'follow') return;
        const t = cmd.target;
        const kept = t.kind === 'name' ? t.name : t.kind === 'email' ? t.email : t.id;
        expect(kept.length).toBeGreaterThan(0);
        expect(words.join(' ')).toContain(kept);
      }),
    );
  });
});

describe('parseCrmCommand: unknown commands', () => {
  it('an unknown word lists the commands', () => {
    const err = expectError(parseCrmCommand('foo bar'));
    expect(err.message).toBe("I don't know `/crm foo`. Try one of these (or `/crm help`):");
    for (const word of ['lookup', 'note', 'task', 'deal', 'move', 'reply', 'digest']) {
      expect(err.usage).toContain(`/crm ${word}`);
    }
  });

  it.each([
    ['lokup ana', 'lookup'],
    ['ntoe x', 'note'],
    ['taks', 'task'],
    ['dael', 'deal'],
    ['mvoe x to y', 'move'],
    ['replay 1 hi', 'reply'],
    ['digets on', 'digest'],
    ['serach ana', 'search'],
    ['dig', 'digest'],
  ])('%j: did you mean %s?', (text, keyword) => {
    expect(expectError(parseCrmCommand(text)).message).toContain(`Did you mean \`/crm ${keyword}`);
  });

  it('a bare email suggests lookup', () => {
    expect(expectError(parseCrmCommand('ana@acme.com')).message).toContain('`/crm lookup ana@acme.com`');
  });

  it('echoes long or odd input shortened and on one line', () => {
    const err = expectError(parseCrmCommand(`${'x'.repeat(500)}\`y`));
    expect(err.message.length).toBeLessThan(120);
  });
});

describe('helpers', () => {
  it('editDistance counts a transposition as one edit', () => {
    expect(editDistance('ntoe', 'note')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('unwrapSlackText keeps the address of a hyperlink whose text differs', () => {
    expect(unwrapSlackText('see <https://q.example.com/x|the quote>')).toBe(
      'see the quote (https://q.example.com/x)',
    );
    expect(unwrapSlackText('<http://acme.com|acme.com>')).toBe('acme.com');
  });

  it('unwrapSlackText leaves user mentions and typed text alone', () => {
    expect(unwrapSlackText('<@U123> <https://acme.com|acme.com> <https://x.io> a&amp;b')).toBe(
      '<@U123> acme.com https://x.io a&b',
    );
    expect(unwrapSlackText('&lt;mailto:a@b.com|x&gt;')).toBe('<mailto:a@b.com|x>');
  });
});

describe('parseCrmCommand: properties', () => {
  const keyword = fc.constantFrom(
    'help',
    'lookup',
    'find',
    'search',
    'who',
    'note',
    'task',
    'deal',
    'move',
    'ticket',
    'reply',
    'digest',
    'status',
    'audit',
    'follow',
    'unfollow',
    'following',
    'ntoe',
    '?',
    '',
  );
  const tricky = fc.constantFrom(
    '<',
    '>',
    '&',
    '&amp;',
    '&lt;',
    '\n',
    '\t',
    ' due ',
    ' to ',
    '<mailto:a@b.co|a@b.co>',
    '<tel:+1|+1 5>',
    '<!channel>',
    'ana@acme.com',
    '123',
    '#',
    '`',
    '😀',
    '\u200b',
    '\uD800',
    'days',
    'user',
    '<@U0BOB|Bob Baker>',
    '@U0BOB',
  );
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc
      .tuple(
        keyword,
        fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 12 })), { maxLength: 20 }),
      )
      .map(([k, parts]) => `${k} ${parts.join(' ')}`),
    fc.string({ maxLength: 20 }).map((s) => s.repeat(2000)),
  );

  it('never throws, always returns a union member, errors always explain', () => {
    fc.assert(
      fc.property(text, (input) => {
        const cmd = parseCrmCommand(input);
        expect(KINDS.has(cmd.kind)).toBe(true);
        if (cmd.kind === 'error') {
          expect(cmd.message.trim()).not.toBe('');
          expect(cmd.usage.trim()).not.toBe('');
          expect(cmd.message.length).toBeLessThan(400);
          // The parser's last-resort catch must never be what answered.
          expect(cmd.message).not.toContain('could not read that command');
        }
        if (cmd.kind === 'note' || cmd.kind === 'task') expect(isEmail(cmd.email)).toBe(true);
        if (cmd.kind === 'note' || cmd.kind === 'reply') expect(cmd.text.trim()).not.toBe('');
        if (cmd.kind === 'task') expect(cmd.subject.trim()).not.toBe('');
        if (cmd.kind === 'move') expect(cmd.milestone).not.toBe('');
        if (cmd.kind === 'reply') expect(cmd.ticketId).toMatch(/^\d+$/);
        if (cmd.kind === 'audit') {
          if (cmd.days !== null) expect(Number.isInteger(cmd.days) && cmd.days >= 1).toBe(true);
          if (cmd.userId !== null) expect(cmd.userId).toMatch(/^[UW][A-Z0-9]+$/);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a quick note round-trips any text', () => {
    const noteText = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
      .filter((s) => s.trim() !== '' && !/[<>&]/.test(s) && s === s.trim());
    fc.assert(
      fc.property(noteText, (t) => {
        expect(parseCrmCommand(`note ana@acme.com ${t}`)).toEqual({
          kind: 'note',
          email: 'ana@acme.com',
          text: t,
        });
      }),
    );
  });

  it('a quick task round-trips subject and due text', () => {
    const word = fc.stringMatching(/^[A-Za-zé0-9]{1,10}$/).filter((w) => w.toLowerCase() !== 'due');
    const words = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(words, words, (subject, due) => {
        expect(parseCrmCommand(`task a@b.co ${subject} due ${due}`)).toEqual({
          kind: 'task',
          email: 'a@b.co',
          subject,
          dueText: due,
        });
      }),
    );
  });
});
