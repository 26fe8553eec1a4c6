import { describe, expect, it } from 'vitest';
import {
  buildHeldAckMessage,
  buildHeldCancelledMessages,
  buildHeldReplyMessage,
  buildHeldSentMessage,
  buildTicketHeldModal,
  type HeldReplyPayload,
} from '../../../src/features/ticket/held-views.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';

const long = `${'<!channel> & *bold* '.repeat(149)}end`;
const payload: HeldReplyPayload = {
  text: long,
  subject: 'Subject <@U999> *x*',
  customer: 'Ana <Ruiz> (ana@acme.com)',
  timeZone: 'Europe/Paris',
};
const dueMs = Date.parse('2026-03-10T09:42:30Z');

describe('held reply views', () => {
  it('the hold: "Sending in 30 s" with the time in the author zone, a Cancel carrying the id, escaped', () => {
    const m = buildHeldReplyMessage({ id: 'P1', ticketId: '5712', payload, holdSec: 30, dueMs });
    expect(validateMessage(m)).toEqual([]);
    const json = JSON.stringify(m.blocks);
    expect(m.text).toMatch(/Sending in 30 s/);
    expect(json).toContain('10:42:30');
    expect(json).toContain('"value":"P1"');
    expect(json).not.toMatch(/<@U999>|<Ruiz>/);
  });

  it('sent, cancelled (whole text back, however long), the ack and the modal stay within Block Kit', () => {
    expect(validateMessage(buildHeldSentMessage('5712', payload, dueMs + 1000))).toEqual([]);
    expect(buildHeldSentMessage('5712', payload, dueMs + 1000).text).toMatch(/Sent to Ana &lt;Ruiz&gt;/);
    const cancelled = buildHeldCancelledMessages('5712', payload);
    for (const m of cancelled) expect(validateMessage(m)).toEqual([]);
    expect(cancelled[0]?.text).toMatch(/Cancelled — not sent/);
    const quoted = cancelled.map((m) => JSON.stringify(m.blocks)).join('');
    expect(quoted).toContain('end');
    expect(
      validateMessage(
        buildHeldAckMessage({ id: 'P1', ticketId: '5712', payload, holdSec: 30, replayed: true }),
      ),
    ).toEqual([]);
    expect(
      validateView(buildTicketHeldModal({ ticketId: '5712', subject: payload.subject, holdSec: 30 })),
    ).toEqual([]);
  });
});
