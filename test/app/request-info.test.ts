import { describe, expect, it } from 'vitest';
import { describeRequest, requestContextOf } from '../../src/app/request-info.js';

describe('describeRequest', () => {
  it.each([
    [{ command: '/crm', text: 'lookup ana@acme.com' }, 'command', 'lookup'],
    [{ command: '/crm', text: 'note' }, 'command', 'modal:note'],
    [{ command: '/crm', text: 'ana@acme.com' }, 'command', 'error'],
    [{ type: 'block_actions', actions: [{ action_id: 'card_share' }] }, 'action', 'card_share'],
    [{ type: 'block_suggestion', action_id: 'contact_picker' }, 'options', 'contact_picker'],
    [{ type: 'view_submission', view: { callback_id: 'note_modal' } }, 'view', 'note_modal'],
    [{ type: 'message_action', callback_id: 'log_to_crm' }, 'shortcut', 'log_to_crm'],
    [{ type: 'event_callback', event: { type: 'app_mention' } }, 'event', 'app_mention'],
  ])('%j → %s %s', (body, surface, id) => {
    expect(describeRequest(body)).toEqual({ surface, id });
  });

  it('never puts what the user typed in a label', () => {
    expect(describeRequest({ command: '/crm', text: 'lookup secret@example.com' }).id).toBe('lookup');
    expect(describeRequest({ command: '/crm', text: 'xyzzy@example.com hello' }).id).toBe('error');
  });
});

describe('requestContextOf', () => {
  it("uses Slack's event_id, else the trigger_id, with team and user", () => {
    expect(
      requestContextOf({ event_id: 'Ev1', trigger_id: 't', team_id: 'T1', event: { user: 'U1' } }, {}, 5),
    ).toEqual({
      requestId: 'Ev1',
      receivedAtMs: 5,
      teamId: 'T1',
      userId: 'U1',
    });
    expect(
      requestContextOf({ trigger_id: '1.2.abc', team: { id: 'T2' }, user: { id: 'U2' } }, {}, 5),
    ).toMatchObject({
      requestId: '1.2.abc',
      teamId: 'T2',
      userId: 'U2',
    });
  });

  it("else Slack's request timestamp and a random part, unique per request", () => {
    const a = requestContextOf({ type: 'block_suggestion' }, { slackRequestTimestamp: '1700000000' }, 5);
    const b = requestContextOf({ type: 'block_suggestion' }, { slackRequestTimestamp: '1700000000' }, 5);
    expect(a.requestId).toMatch(/^1700000000-[0-9a-f]{8}$/);
    expect(a.requestId).not.toBe(b.requestId);
  });
});
