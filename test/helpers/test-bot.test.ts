import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESPONSE } from './fake-slack.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  messageActionPayload,
  viewClosedPayload,
  viewSubmissionPayload,
} from './payloads.js';
import { startTestBot, type TestBot } from './test-bot.js';

/** The harness itself: every payload factory is routed by the real Bolt app to the right listener. */
let t: TestBot;
const seen: Record<string, unknown> = {};

beforeAll(async () => {
  t = await startTestBot();
  const app = t.bot.slack.app;
  app.action('harness_button', async ({ ack, body, respond }) => {
    await ack();
    seen.action = body;
    await respond({ text: 'clicked', replace_original: false });
  });
  app.view('harness_modal', async ({ ack, view }) => {
    seen.values = view.state.values;
    await ack({ response_action: 'errors', errors: { subject: 'Too short' } });
  });
  app.view({ callback_id: 'harness_modal', type: 'view_closed' }, async ({ ack }) => {
    seen.closed = true;
    await ack();
  });
  app.shortcut('harness_shortcut', async ({ ack, shortcut, client }) => {
    await ack();
    seen.shortcut = shortcut;
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [{ type: 'divider' }] },
    });
  });
  app.options('harness_options', async ({ ack, payload }) => {
    await ack({
      options: [{ text: { type: 'plain_text', text: `you typed ${payload.value}` }, value: 'v1' }],
    });
  });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => t.reset());

describe('test harness', () => {
  it('routes block_actions and points respond() at the fake', async () => {
    const res = await t.interact(blockActionsPayload({ actionId: 'harness_button', value: '42' }));
    expect(res.status).toBe(200);
    const reply = await t.slack.waitFor(RESPONSE);
    expect(reply.args).toMatchObject({ text: 'clicked' });
    expect(seen.action).toMatchObject({ actions: [{ action_id: 'harness_button', value: '42' }] });
    t.slack.assertNoViolations();
  });

  it('routes view_submission with state values built from a map, and returns the ack body', async () => {
    const res = await t.interact(
      viewSubmissionPayload({
        callbackId: 'harness_modal',
        values: {
          subject: { v: 'Hi' },
          type: { v: { type: 'static_select', value: 'CALL', text: 'Call' } },
          due: { v: { type: 'datepicker', selected_date: '2026-12-03' } },
        },
      }),
    );
    expect(res.json).toEqual({ response_action: 'errors', errors: { subject: 'Too short' } });
    expect(seen.values).toEqual({
      subject: { v: { type: 'plain_text_input', value: 'Hi' } },
      type: {
        v: {
          type: 'static_select',
          selected_option: { value: 'CALL', text: { type: 'plain_text', text: 'Call' } },
        },
      },
      due: { v: { type: 'datepicker', selected_date: '2026-12-03' } },
    });
  });

  it('routes view_closed', async () => {
    expect((await t.interact(viewClosedPayload({ callbackId: 'harness_modal' }))).status).toBe(200);
    expect(seen.closed).toBe(true);
  });

  it('routes message shortcuts with a trigger_id that opens a modal once', async () => {
    const res = await t.interact(
      messageActionPayload({
        callbackId: 'harness_shortcut',
        message: { text: 'Call <@U0BOB>', ts: '1.000200' },
      }),
    );
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect(t.slack.views.size).toBe(1);
    expect(open.args.trigger_id).toBe((seen.shortcut as { trigger_id: string }).trigger_id);
  });

  it('routes block_suggestion and returns the options JSON', async () => {
    const res = await t.interact(blockSuggestionPayload({ actionId: 'harness_options', value: 'ev' }));
    expect(res.json).toEqual({
      options: [{ text: { type: 'plain_text', text: 'you typed ev' }, value: 'v1' }],
    });
  });
});
