import { TZDate } from '@date-fns/tz';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { DEFAULT_USERS, type RecordedCall } from '../../helpers/fake-slack.js';
import { blockActionsPayload, type StateMap, USER, viewSubmissionPayload } from '../../helpers/payloads.js';
import { startTestBot, type TestBot } from '../../helpers/test-bot.js';

type Block = Record<string, unknown> & { block_id?: string; type: string };
type View = Record<string, unknown> & { blocks: Block[]; private_metadata?: string; callback_id?: string };

/** Alice's Slack email matches an Agile user: she is the default owner of her deals. */
const ALICE = { ...DEFAULT_USERS[0]!, email: 'alice.moreno@example.com', tz: 'America/New_York' };
const BOB = DEFAULT_USERS[1]!;

describe('Create deal', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ users: [ALICE, BOB] });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const sim = () => t.agile!;
  const trackByName = (name: string) => sim().state.tracks.find((x) => x.name === name)!;
  const userByEmail = (email: string) => sim().state.users.find((u) => u.email === email)!;

  const labels = (view: View) =>
    view.blocks.filter((b) => b.type === 'input').map((b) => (b.label as { text: string }).text);
  const inputBlock = (view: View, blockId: string) => view.blocks.find((b) => b.block_id === blockId);
  const element = (view: View, blockId: string) =>
    inputBlock(view, blockId)?.element as Record<string, unknown>;
  const optionValues = (view: View, blockId: string) =>
    ((element(view, blockId)?.options as { value: string }[]) ?? []).map((o) => o.value);

  /** `/crm deal` → the filled modal (after the loading one). */
  async function openDeal(): Promise<{ viewId: string; view: View }> {
    const res = await t.command('deal');
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    const loading = open.args.view as View;
    expect(loading.callback_id).toBe(CALLBACK.dealModal);
    expect(labels(loading)).toEqual([]);
    const update = await t.slack.waitFor('views.update');
    return { viewId: String(update.args.view_id), view: update.args.view as View };
  }

  const formValues = (o: {
    name?: string | null;
    value?: string | null;
    probability?: string | null;
    trackId: string;
    milestone?: string | null;
    closeDate?: string | null;
    contacts?: { value: string; text?: string }[];
    description?: string | null;
    ownerId?: string | null;
  }): StateMap => ({
    [BLOCK.dealName]: { [ACTION.dealName]: { type: 'plain_text_input', value: o.name ?? null } },
    [BLOCK.value]: { [ACTION.dealValue]: { type: 'number_input', value: o.value ?? null } },
    [BLOCK.probability]: { [ACTION.probability]: { type: 'number_input', value: o.probability ?? null } },
    [BLOCK.track]: { [ACTION.trackSelect]: { type: 'static_select', value: o.trackId } },
    [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: o.milestone ?? null } },
    [BLOCK.closeDate]: { [ACTION.closeDate]: { type: 'datepicker', selected_date: o.closeDate ?? null } },
    [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'multi_external_select', values: o.contacts ?? [] } },
    [BLOCK.description]: { [ACTION.description]: { type: 'plain_text_input', value: o.description ?? null } },
    [BLOCK.owner]: { [ACTION.ownerSelect]: { type: 'static_select', value: o.ownerId ?? null } },
  });

  const submit = (viewId: string, privateMetadata: string, values: StateMap) =>
    t.interact(
      viewSubmissionPayload({ callbackId: CALLBACK.dealModal, id: viewId, privateMetadata, values }),
    );

  const dealsNamed = (name: string) => sim().state.deals.filter((d) => d.name === name);

  it('opens at once with a loading view, then shows every input with the Sales milestones and Alice as owner', async () => {
    const { view } = await openDeal();
    expect(labels(view)).toEqual([
      'Deal name',
      'Value',
      'Probability',
      'Track',
      'Milestone',
      'Close date',
      'Contact',
      'Description',
      'Owner',
    ]);
    const sales = trackByName('Sales');
    expect(optionValues(view, BLOCK.milestone)).toEqual(['New', 'Prospect', 'Proposal', 'Won', 'Lost']);
    expect((element(view, BLOCK.track).initial_option as { value: string }).value).toBe(sales.id);
    expect((element(view, BLOCK.owner).initial_option as { value: string }).value).toBe(
      userByEmail('alice.moreno@example.com').id,
    );
    const value = element(view, BLOCK.value);
    expect(value).toMatchObject({ type: 'number_input', min_value: '0', max_value: '1000000000000' });
    expect(inputBlock(view, BLOCK.track)?.dispatch_action).toBe(true);
    t.slack.assertNoViolations();
  });

  it('defaults the owner to the API user when the Slack user has no Agile account', async () => {
    await t.command('deal', { user: { id: BOB.id, username: 'bob', name: 'bob' } });
    const update = await t.slack.waitFor('views.update');
    const view = update.args.view as View;
    expect((element(view, BLOCK.owner).initial_option as { value: string }).value).toBe(
      userByEmail('sandbox@example.com').id,
    );
    t.slack.assertNoViolations();
  });

  it('switching the track reloads exactly that track’s milestones and keeps what was typed', async () => {
    const { viewId, view } = await openDeal();
    const renewals = trackByName('Renewals');
    const hash = t.slack.views.get(viewId)!.hash;
    const res = await t.interact(
      blockActionsPayload({
        actionId: ACTION.trackSelect,
        blockId: BLOCK.track,
        action: {
          type: 'static_select',
          selected_option: { value: renewals.id, text: { type: 'plain_text', text: 'Renewals' } },
        },
        view: {
          id: viewId,
          hash,
          callbackId: CALLBACK.dealModal,
          privateMetadata: view.private_metadata,
          values: formValues({
            name: 'Typed name',
            value: '1234.5',
            probability: '40',
            trackId: renewals.id,
            milestone: 'Proposal',
            closeDate: '2030-01-15',
            contacts: [{ value: '9007199254740993', text: '<!channel> Eve' }],
            description: 'typed description',
            ownerId: userByEmail('raj.patel@example.com').id,
          }),
        },
      }),
    );
    expect(res.status).toBe(200);
    const update = await t.slack.waitFor('views.update', (c) => c.args.hash === hash);
    const next = update.args.view as View;
    expect(optionValues(next, BLOCK.milestone)).toEqual(['Upcoming', 'Negotiation', 'Renewed', 'Churned']);
    expect((element(next, BLOCK.milestone).initial_option as { value: string }).value).toBe('Upcoming');
    expect(element(next, BLOCK.dealName).initial_value).toBe('Typed name');
    expect(element(next, BLOCK.value).initial_value).toBe('1234.5');
    expect(element(next, BLOCK.probability).initial_value).toBe('40');
    expect(element(next, BLOCK.closeDate).initial_date).toBe('2030-01-15');
    expect(element(next, BLOCK.description).initial_value).toBe('typed description');
    expect((element(next, BLOCK.contact).initial_options as { value: string }[]).map((o) => o.value)).toEqual(
      ['9007199254740993'],
    );
    expect((element(next, BLOCK.owner).initial_option as { value: string }).value).toBe(
      userByEmail('raj.patel@example.com').id,
    );
    expect((element(next, BLOCK.track).initial_option as { value: string }).value).toBe(renewals.id);
    t.slack.assertNoViolations();
  });

  it('creates the deal (close date at noon in the user’s zone) and confirms with track, milestone, value and a Move button', async () => {
    const { viewId, view } = await openDeal();
    const sales = trackByName('Sales');
    const ada = sim().state.contacts[0]!;
    const res = await submit(
      viewId,
      view.private_metadata ?? '',
      formValues({
        name: 'Big fleet deal',
        value: '1250000.5',
        probability: '35',
        trackId: sales.id,
        milestone: 'Proposal',
        closeDate: '2030-03-10',
        contacts: [{ value: ada.id }],
        description: 'From Slack',
        ownerId: userByEmail('raj.patel@example.com').id,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const [deal] = dealsNamed('Big fleet deal');
    expect(deal).toMatchObject({
      pipelineId: sales.id,
      milestone: 'Proposal',
      expectedValue: 1250000.5,
      probability: 35,
      contactIds: [ada.id],
      description: 'From Slack',
      ownerId: userByEmail('raj.patel@example.com').id,
    });
    const noon = new TZDate(2030, 2, 10, 12, 0, 0, 'America/New_York').getTime() / 1000;
    expect(deal?.closeEpochSec).toBe(noon);
    const confirm = await t.slack.waitFor('chat.postEphemeral');
    const text = JSON.stringify(confirm.args.blocks);
    expect(text).toContain('Sales');
    expect(text).toContain('Proposal');
    expect(text).toContain('1,250,000.5');
    expect(text).toContain('35%');
    expect(text).toContain(ACTION.dealMove);
    expect(text).toContain(`"value":"${deal?.id}"`);
    expect(confirm.args.user).toBe(USER.id);
    expect(String(confirm.args.text)).toContain('Big fleet deal');
    t.slack.assertNoViolations();
  });

  it('refuses locally (no write): value too large, probability out of range, milestone not in the track', async () => {
    const { viewId, view } = await openDeal();
    const renewals = trackByName('Renewals');
    const before = sim().state.deals.length;
    const res = await submit(
      viewId,
      view.private_metadata ?? '',
      formValues({
        name: 'Too big',
        value: '2000000000000',
        probability: '150',
        trackId: renewals.id,
        milestone: 'Won',
      }),
    );
    const body = res.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual([BLOCK.milestone, BLOCK.probability, BLOCK.value].sort());
    expect(sim().state.deals.length).toBe(before);
    t.slack.assertNoViolations();
  });

  it('shows an Agile 400 about the value on the Value input, typed values kept', async () => {
    const { viewId, view } = await openDeal();
    // Local validation passed; Agile still refuses the value (its limits are its own).
    sim().faults.failNext(1, 400, 'expected_value should not exceed 1000000000000');
    const before = sim().state.deals.length;
    const res = await submit(
      viewId,
      view.private_metadata ?? '',
      formValues({
        name: 'Edge value',
        value: '1000000000000',
        trackId: trackByName('Sales').id,
        milestone: 'New',
      }),
    );
    const body = res.json as { response_action: string; errors: Record<string, string> };
    expect(body).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.value]: expect.stringContaining('expected_value should not exceed') },
    });
    expect(sim().state.deals.length).toBe(before);
    t.slack.assertNoViolations();
  });

  it('shows the simulator’s own 400 for an unknown contact on the Contact input', async () => {
    const { viewId, view } = await openDeal();
    const res = await submit(
      viewId,
      view.private_metadata ?? '',
      formValues({
        name: 'Ghost contact',
        value: '10',
        trackId: trackByName('Sales').id,
        milestone: 'New',
        contacts: [{ value: '1234567890123456' }],
      }),
    );
    const body = res.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([BLOCK.contact]);
    expect(dealsNamed('Ghost contact')).toHaveLength(0);
    t.slack.assertNoViolations();
  });

  it('a double submission creates one deal', async () => {
    const { viewId, view } = await openDeal();
    const values = formValues({
      name: 'Once only',
      value: '99',
      trackId: trackByName('Sales').id,
      milestone: 'New',
    });
    const [a, b] = await Promise.all([
      submit(viewId, view.private_metadata ?? '', values),
      submit(viewId, view.private_metadata ?? '', values),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const again = await submit(viewId, view.private_metadata ?? '', values);
    expect(again.status).toBe(200);
    expect(dealsNamed('Once only')).toHaveLength(1);
    await t.slack.waitFor('chat.postEphemeral');
    // The last delivery was answered as a replay (it came after the first finished).
    await vi.waitFor(() =>
      expect(t.logs.some((l) => l.msg === 'deal submission replayed: its first delivery confirmed')).toBe(
        true,
      ),
    );
    // One confirmation: a replayed submission does not confirm again.
    expect(t.slack.calls('chat.postEphemeral')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('escapes a deal name with <script> and <!channel> in the confirmation', async () => {
    const { viewId, view } = await openDeal();
    await submit(
      viewId,
      view.private_metadata ?? '',
      formValues({
        name: '<script> <!channel> & co',
        value: '5',
        trackId: trackByName('Sales').id,
        milestone: 'New',
      }),
    );
    const confirm = await t.slack.waitFor('chat.postEphemeral', (c) =>
      String(c.args.text).includes('script'),
    );
    const blocks = JSON.stringify(confirm.args.blocks);
    expect(blocks).toContain('&lt;script&gt; &lt;!channel&gt; &amp; co');
    expect(blocks).not.toContain('<!channel>');
    expect(String(confirm.args.text)).not.toContain('<!channel>');
    t.slack.assertNoViolations();
  });

  it('the contact card’s Create deal button opens the modal at once with that contact', async () => {
    const ada = sim().state.contacts[0]!;
    const res = await t.interact(blockActionsPayload({ actionId: ACTION.cardCreateDeal, value: ada.id }));
    expect(res.status).toBe(200);
    await t.slack.waitFor('views.open');
    const update: RecordedCall = await t.slack.waitFor('views.update');
    const view = update.args.view as View;
    const initial = element(view, BLOCK.contact).initial_options as { value: string }[];
    expect(initial.map((o) => o.value)).toEqual([ada.id]);
    t.slack.assertNoViolations();
  });
});
