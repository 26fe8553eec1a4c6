import { describe, expect, it } from 'vitest';
import type { DealRecord } from '../../../src/devkit/sandbox/state.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { RESPONSE } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  type StateMap,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

type Block = Record<string, unknown> & { block_id?: string; type: string };
type View = Record<string, unknown> & { blocks: Block[]; private_metadata?: string };
interface OptionsBody {
  options: { text: { type: string; text: string }; value: string }[];
}

describe('Move milestone', () => {
  const t = useTestBot();

  const sim = () => simulatorOf(t);
  const deal = (name: string): DealRecord => {
    const d = sim().state.deals.find((x) => x.name === name);
    if (!d) throw new Error(`no deal ${name}`);
    return d;
  };
  const snapshot = (d: DealRecord) => ({
    value: d.expectedValue,
    probability: d.probability,
    contacts: [...d.contactIds],
    owner: d.ownerId,
    close: d.closeEpochSec,
    pipeline: d.pipelineId,
    name: d.name,
  });
  const element = (view: View, blockId: string) =>
    view.blocks.find((b) => b.block_id === blockId)?.element as Record<string, unknown> | undefined;
  const milestoneOptions = (view: View) =>
    ((element(view, BLOCK.milestone)?.options as { value: string }[]) ?? []).map((o) => o.value);
  const dealNotes = (id: string) => sim().state.notes.filter((n) => n.dealIds.includes(id));

  /** Picks a deal in an open Move modal; resolves with the view holding its milestones. */
  async function pick(viewId: string, dealId: string, values: StateMap = {}): Promise<View> {
    const current = t.slack.views.get(viewId);
    if (!current) throw new Error('no view');
    const hash = current.hash;
    const res = await t.interact(
      blockActionsPayload({
        actionId: ACTION.dealPicker,
        blockId: BLOCK.deal,
        action: {
          type: 'external_select',
          selected_option: { value: dealId, text: { type: 'plain_text', text: 'deal' } },
        },
        view: {
          id: viewId,
          hash,
          callbackId: CALLBACK.moveModal,
          privateMetadata: String(current.view.private_metadata ?? ''),
          values,
        },
      }),
    );
    expect(res.status).toBe(200);
    const done = await t.slack.waitFor('views.update', (c) => {
      const v = c.args.view as View;
      return (
        c.args.view_id === viewId &&
        (element(v, BLOCK.milestone) !== undefined || JSON.stringify(v).includes('⚠️'))
      );
    });
    return done.args.view as View;
  }

  async function openMove(): Promise<{ viewId: string; view: View }> {
    const res = await t.command('move');
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    const view = open.args.view as View;
    const id = [...t.slack.views.values()].find((v) => v.view.callback_id === CALLBACK.moveModal)?.id;
    if (!id) throw new Error('no move view');
    return { viewId: id, view };
  }

  const moveValues = (dealId: string, milestone: string, reason?: string, note?: string): StateMap => ({
    [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: dealId } },
    [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: milestone } },
    [BLOCK.reason]: { [ACTION.reason]: { type: 'plain_text_input', value: reason ?? null } },
    [BLOCK.note]: { [ACTION.noteInput]: { type: 'plain_text_input', value: note ?? null } },
  });

  const submitMove = (viewId: string, values: StateMap) =>
    t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.moveModal,
        id: viewId,
        privateMetadata: String(t.slack.views.get(viewId)?.view.private_metadata ?? ''),
        values,
      }),
    );

  it('opens at once, picks a deal, offers exactly its track’s milestones, and moves only the milestone', async () => {
    const { viewId, view } = await openMove();
    const labels = view.blocks
      .filter((b) => b.type === 'input')
      .map((b) => (b.label as { text: string }).text);
    expect(labels).toEqual(['Deal', 'Reason', 'Note']);
    const target = deal('Globex annual renewal');
    const picked = await pick(viewId, target.id, {
      [BLOCK.reason]: { [ACTION.reason]: { type: 'plain_text_input', value: 'typed reason' } },
    });
    expect(milestoneOptions(picked)).toEqual(['Upcoming', 'Negotiation', 'Renewed', 'Churned']);
    expect((element(picked, BLOCK.milestone)?.initial_option as { value: string } | undefined)?.value).toBe(
      'Negotiation',
    );
    expect(element(picked, BLOCK.reason)?.initial_value).toBe('typed reason');
    const labelsAfter = picked.blocks
      .filter((b) => b.type === 'input')
      .map((b) => (b.label as { text: string }).text);
    expect(labelsAfter).toEqual(['Deal', 'Milestone', 'Reason', 'Note']);

    const before = snapshot(target);
    const res = await submitMove(viewId, moveValues(target.id, 'Renewed'));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(deal('Globex annual renewal').milestone).toBe('Renewed');
    expect(snapshot(deal('Globex annual renewal'))).toEqual(before);
    const partial = sim().requests.filter((r) => r.path.includes('partial-update'));
    expect(partial).toHaveLength(1);
    expect(Object.keys(JSON.parse(partial[0]?.body ?? '{}')).sort()).toEqual(['id', 'milestone']);
    const confirm = await t.slack.waitFor('chat.postEphemeral');
    const text = JSON.stringify(confirm.args.blocks);
    expect(text).toContain('Negotiation → *Renewed*');
    expect(text).toContain('120,000');
    expect(text).toContain('80%');
    t.slack.assertNoViolations();
  });

  it('requires a reason for Lost, then writes it to the deal as a note', async () => {
    const { viewId } = await openMove();
    const target = deal('Acme pilot: 20 seats');
    await pick(viewId, target.id);
    const notesBefore = dealNotes(target.id).length;
    const refused = await submitMove(viewId, moveValues(target.id, 'Lost'));
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.reason]: expect.any(String) },
    });
    expect(deal('Acme pilot: 20 seats').milestone).toBe('Prospect');
    const ok = await submitMove(
      viewId,
      moveValues(target.id, 'Lost', 'Budget cut <!here>', 'Try again in Q3'),
    );
    expect(ok.status).toBe(200);
    expect(deal('Acme pilot: 20 seats').milestone).toBe('Lost');
    const notes = dealNotes(target.id);
    expect(notes.length).toBe(notesBefore + 1);
    const note = notes.at(-1);
    expect(note?.description).toContain('Reason: Budget cut <!here>');
    expect(note?.description).toContain('Try again in Q3');
    const confirm = await t.slack.waitFor('chat.postEphemeral');
    expect(JSON.stringify(confirm.args.blocks)).not.toContain('<!here>');
    t.slack.assertNoViolations();
  });

  it('refuses the milestone the deal already has under the milestone input, writing nothing', async () => {
    const { viewId } = await openMove();
    const target = deal('Acme pilot: 20 seats');
    await pick(viewId, target.id);
    const notesBefore = dealNotes(target.id).length;
    const refused = await submitMove(viewId, moveValues(target.id, 'Prospect', undefined, 'Called them'));
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.milestone]: 'The deal is already at Prospect — pick another milestone' },
    });
    expect(sim().requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(dealNotes(target.id).length).toBe(notesBefore);
    expect(t.slack.calls('chat.postEphemeral')).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('refuses a milestone the deal reached after the modal opened, writing nothing', async () => {
    const { viewId } = await openMove();
    const target = deal('Acme pilot: 20 seats');
    await pick(viewId, target.id);
    target.milestone = 'Proposal'; // someone moved it in Agile meanwhile
    const notesBefore = dealNotes(target.id).length;
    const refused = await submitMove(viewId, moveValues(target.id, 'Proposal', undefined, 'Sent'));
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.milestone]: 'The deal is already at Proposal — pick another milestone' },
    });
    expect(sim().requests.filter((r) => r.path.includes('partial-update'))).toEqual([]);
    expect(dealNotes(target.id).length).toBe(notesBefore);
    t.slack.assertNoViolations();
  });

  it('a deal with no track uses the default track and says so', async () => {
    const target = deal('CPP Partners training');
    // Agile answers pipeline_id 0 for a deal filed under no track (the simulator cannot send "").
    target.pipelineId = '0';
    const { viewId } = await openMove();
    const picked = await pick(viewId, target.id);
    expect(milestoneOptions(picked)).toEqual(['New', 'Prospect', 'Proposal', 'Won', 'Lost']);
    expect(JSON.stringify(picked.blocks)).toContain('no track of its own');
    const res = await submitMove(viewId, moveValues(target.id, 'Prospect'));
    expect(res.status).toBe(200);
    expect(deal('CPP Partners training').milestone).toBe('Prospect');
    t.slack.assertNoViolations();
  });

  it('a double submission moves once and writes one note', async () => {
    const { viewId } = await openMove();
    const target = deal('Crypto Labs security audit');
    await pick(viewId, target.id);
    const values = moveValues(target.id, 'Won', undefined, 'Signed today');
    await Promise.all([submitMove(viewId, values), submitMove(viewId, values)]);
    await submitMove(viewId, values);
    expect(deal('Crypto Labs security audit').milestone).toBe('Won');
    expect(sim().requests.filter((r) => r.path.includes('partial-update'))).toHaveLength(1);
    expect(dealNotes(target.id).filter((n) => n.description.includes('Signed today'))).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('the Move button opens the modal at once, prefilled with the deal', async () => {
    const target = deal('Northwind fleet tracking rollout');
    const res = await t.interact(blockActionsPayload({ actionId: ACTION.dealMove, value: target.id }));
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).toContain('Loading');
    const update = await t.slack.waitFor('views.update');
    const view = update.args.view as View;
    expect((element(view, BLOCK.deal)?.initial_option as { value: string } | undefined)?.value).toBe(
      target.id,
    );
    expect(milestoneOptions(view)).toEqual(['New', 'Prospect', 'Proposal', 'Won', 'Lost']);
    t.slack.assertNoViolations();
  });

  describe('deal picker options', () => {
    const load = (value: string) =>
      t.interact(blockSuggestionPayload({ actionId: ACTION.dealPicker, blockId: BLOCK.deal, value }));

    it('finds deals by name, with ids as values and plain-text labels', async () => {
      const body = (await load('northwind')).json as OptionsBody;
      const names = body.options.map((o) => o.text.text);
      expect(names.length).toBe(3);
      for (const n of names) expect(n.toLowerCase()).toContain('northwind');
      expect(body.options.map((o) => o.value)).toContain(deal('Northwind data warehouse').id);
      for (const o of body.options) expect(o.text.text.length).toBeLessThanOrEqual(75);
    });

    it('puts the deals the user just moved first', async () => {
      await t.command(`move ${deal('Initech partner referral program').id} to Prospect`);
      await t.slack.waitFor(RESPONSE);
      const body = (await load('')).json as OptionsBody;
      expect(body.options[0]?.value).toBe(deal('Initech partner referral program').id);
      expect(body.options[0]?.text.text).toContain('Prospect');
    });

    it('answers from the cache, without asking Agile, while Agile takes 2.5 s', async () => {
      await load('acme'); // the list is cached
      sim().faults.latencyMs = 2500;
      const dealReads = () => sim().requests.filter((r) => r.path.includes('api/opportunity')).length;
      const before = dealReads();
      const res = await load('acme');
      expect(res.status).toBe(200);
      expect((res.json as OptionsBody).options.length).toBeGreaterThan(0);
      // Answered from the cached list: the slow CRM was not asked, so not waited for.
      expect(dealReads()).toBe(before);
    });
  });

  describe('/crm move <deal> to <milestone>', () => {
    it('matches the milestone case-insensitively and sends the track’s exact name', async () => {
      const target = deal('Acme robotics enterprise licence');
      const before = snapshot(target);
      await t.command(`move ${target.id} to won`);
      const reply = await t.slack.waitFor(RESPONSE);
      expect(deal('Acme robotics enterprise licence').milestone).toBe('Won');
      expect(snapshot(deal('Acme robotics enterprise licence'))).toEqual(before);
      expect(JSON.stringify(reply.args)).toContain('Proposal → *Won*');
      t.slack.assertNoViolations();
    });

    it('lists the valid milestones for an unknown one, and changes nothing', async () => {
      const target = deal('Globex annual renewal');
      await t.command(`move ${target.id} to Closed`);
      const reply = JSON.stringify((await t.slack.waitFor(RESPONSE)).args);
      expect(reply).toContain('Upcoming, Negotiation, Renewed, Churned');
      expect(deal('Globex annual renewal').milestone).toBe('Negotiation');
      expect(sim().requests.filter((r) => r.path.includes('partial-update'))).toHaveLength(0);
      t.slack.assertNoViolations();
    });

    it('refuses Lost without a reason and accepts “because …”, writing the note', async () => {
      const target = deal('Initech maintenance renewal');
      await t.command(`move ${target.id} to churned`);
      expect(JSON.stringify((await t.slack.waitFor(RESPONSE)).args)).toContain('because');
      expect(deal('Initech maintenance renewal').milestone).toBe('Renewed');
      t.slack.reset();
      await t.command(`move Initech maintenance renewal to churned because moved to a competitor`);
      await t.slack.waitFor(RESPONSE);
      expect(deal('Initech maintenance renewal').milestone).toBe('Churned');
      expect(dealNotes(target.id).some((n) => n.description.includes('Reason: moved to a competitor'))).toBe(
        true,
      );
      t.slack.assertNoViolations();
    });

    it('asks with buttons when a name is ambiguous; a click (even twice) moves that deal once', async () => {
      await t.command('move northwind to Won');
      const question = await t.slack.waitFor(RESPONSE);
      const blocks = question.args.blocks as Block[];
      const buttons = blocks
        .map((b) => b.accessory as { action_id: string; value: string } | undefined)
        .filter((a) => a?.action_id === ACTION.dealDisambiguate);
      // Northwind support renewal is on Renewals (no Won): not offered.
      expect(buttons).toHaveLength(2);
      expect(buttons.some((b) => b?.value.includes(deal('Northwind support renewal').id))).toBe(false);
      const target = deal('Northwind data warehouse');
      const button = buttons.find((b) => b?.value.includes(target.id));
      expect(button).toBeDefined();
      const click = () =>
        t.interact(
          blockActionsPayload({
            actionId: ACTION.dealDisambiguate,
            value: button?.value,
            message: { ts: '1767225999.000200' },
          }),
        );
      await Promise.all([click(), click()]);
      await t.slack.waitFor(RESPONSE, (c) => JSON.stringify(c.args).includes('moved'));
      expect(deal('Northwind data warehouse').milestone).toBe('Won');
      expect(deal('Northwind fleet tracking rollout').milestone).toBe('Proposal');
      expect(sim().requests.filter((r) => r.path.includes('partial-update'))).toHaveLength(1);
      t.slack.assertNoViolations();
    });

    const choiceButtons = (call: { args: Record<string, unknown> }) =>
      (call.args.blocks as Block[])
        .map((b) => b.accessory as { action_id: string; value: string } | undefined)
        .filter((a): a is { action_id: string; value: string } => a?.action_id === ACTION.dealDisambiguate);
    const partialUpdates = () => sim().requests.filter((r) => r.path.includes('partial-update'));

    it('offers only the deals whose track has the milestone, and says how many were left out', async () => {
      const renewal = deal('Acme legacy plan renewal');
      await t.command('move Acme to Won');
      const question = await t.slack.waitFor(RESPONSE);
      const offered = choiceButtons(question).map((b) => JSON.parse(b.value).d);
      expect(offered.sort()).toEqual(
        [deal('Acme pilot: 20 seats').id, deal('Acme robotics enterprise licence').id].sort(),
      );
      expect(offered).not.toContain(renewal.id);
      expect(JSON.stringify(question.args.blocks)).toContain('1 other deal is on a track without *Won*');
      expect(partialUpdates()).toHaveLength(0);
      t.slack.assertNoViolations();
    });

    it('moves at once when only one of the matching deals can take the milestone', async () => {
      await t.command('move acme to renewed');
      const reply = await t.slack.waitFor(RESPONSE);
      expect(choiceButtons(reply)).toHaveLength(0);
      expect(JSON.stringify(reply.args)).toContain('Churned → *Renewed*');
      expect(deal('Acme legacy plan renewal').milestone).toBe('Renewed');
      expect(deal('Acme pilot: 20 seats').milestone).toBe('Prospect');
      expect(partialUpdates()).toHaveLength(1);
      t.slack.assertNoViolations();
    });

    it('lists each track’s milestones when none of the matching deals can take it', async () => {
      await t.command('move Acme to Closed');
      const call = await t.slack.waitFor(RESPONSE);
      const reply = JSON.stringify(call.args);
      expect(choiceButtons(call)).toHaveLength(0);
      expect(reply).toContain('Sales: New, Prospect, Proposal, Won, Lost');
      expect(reply).toContain('Renewals: Upcoming, Negotiation, Renewed, Churned');
      expect(reply).toContain('You typed: Acme to Closed');
      expect(partialUpdates()).toHaveLength(0);
      t.slack.assertNoViolations();
    });

    it('a click that still fails keeps the chooser and answers in a new message', async () => {
      // The deal went to another track after the question was asked: its button is now stale.
      const renewal = deal('Acme legacy plan renewal');
      await t.interact(
        blockActionsPayload({
          actionId: ACTION.dealDisambiguate,
          value: JSON.stringify({ d: renewal.id, m: 'Won' }),
          message: { ts: '1767225999.000300' },
        }),
      );
      const answer = await t.slack.waitFor(RESPONSE);
      expect(answer.args.replace_original).toBe(false);
      expect(JSON.stringify(answer.args)).toContain('not a milestone of the Renewals track');
      // The failure is the click's last step: its answer is the only one.
      expect(t.logs.some((l) => l.msg === 'move after disambiguation failed')).toBe(true);
      expect(t.slack.calls(RESPONSE)).toHaveLength(1);
      expect(deal('Acme legacy plan renewal').milestone).toBe('Churned');
      expect(partialUpdates()).toHaveLength(0);
      t.slack.assertNoViolations();
    });

    it('a deal already at the milestone gets one short line and no write', async () => {
      const target = deal('Acme pilot: 20 seats');
      await t.command(`move ${target.id} to prospect`);
      const reply = await t.slack.waitFor(RESPONSE);
      const text = JSON.stringify(reply.args);
      expect(text).toContain('is already at *Prospect*');
      expect(text).not.toContain('→');
      expect(reply.args.blocks as Block[]).toHaveLength(1);
      expect(deal('Acme pilot: 20 seats').milestone).toBe('Prospect');
      expect(sim().requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
      expect(dealNotes(target.id)).toHaveLength(0);
      t.slack.assertNoViolations();
    });

    it('the same quick move sent twice (two sends, two trigger_ids) moves once, and the second answer says so', async () => {
      const target = deal('Acme robotics enterprise licence');
      const notesBefore = dealNotes(target.id).length;
      const send = async (text: string) => {
        const before = t.slack.calls(RESPONSE).length;
        await t.command(text);
        const answer = await t.slack.waitFor(RESPONSE, () => t.slack.calls(RESPONSE).length > before);
        return JSON.stringify(t.slack.calls(RESPONSE)[before]?.args ?? answer.args);
      };
      expect(await send('move Acme robotics enterprise licence to won because signed')).toContain(
        'Proposal → *Won*',
      );
      const again = await send('move Acme robotics enterprise licence to won because signed');
      expect(again).toContain('You already sent this move');
      expect(again).toContain('Nothing more changed');
      // The same intent typed another way (deal id, milestone case, spacing) is the same move.
      expect(await send(`move ${target.id} to Won  because signed`)).toContain('You already sent this move');
      expect(deal('Acme robotics enterprise licence').milestone).toBe('Won');
      expect(partialUpdates()).toHaveLength(1);
      expect(dealNotes(target.id)).toHaveLength(notesBefore + 1);
      t.slack.assertNoViolations();
    });

    it('says so plainly when no deal has that name', async () => {
      await t.command('move Nonexistent Corp to Won');
      expect(JSON.stringify((await t.slack.waitFor(RESPONSE)).args)).toContain('No deal is named like');
      t.slack.assertNoViolations();
    });

    it('escapes a deal name holding <script> and <!channel>', async () => {
      const target = deal('Mallory <script> deal & co');
      target.name = 'Mallory <script> <!channel> deal & co';
      await t.command('move mallory to Prospect');
      const reply = JSON.stringify((await t.slack.waitFor(RESPONSE)).args);
      expect(deal('Mallory <script> <!channel> deal & co').milestone).toBe('Prospect');
      expect(reply).toContain('&lt;script&gt; &lt;!channel&gt; deal &amp; co');
      expect(reply).not.toContain('<!channel>'); // the fallback text is mrkdwn too
      t.slack.assertNoViolations();
    });
  });
});
