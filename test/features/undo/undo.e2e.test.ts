import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeNoteMeta } from '../../../src/features/note/schema.js';
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../../src/platform/slack/ids.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';
import type { FakeMessage, RecordedCall } from '../../helpers/fake-slack.js';
import { RESPONSE } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  messageActionPayload,
  type StateMap,
  TEAM,
  USER,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { defaultUsersWithSandboxAlice, taskOwnerUser } from '../../helpers/sandbox-users.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

/** Ahead of real time (Bolt checks request timestamps against the real clock). */
const NOW = new Date('2030-03-12T18:00:00Z');
const ADA = 'ada.lovelace@northwind.example.com';
const BOB = { id: 'U0BOB', team_id: TEAM.id };
const ALICE_AGILE = 'alice.moreno@example.com';

let t: TestBot;
let clock = NOW;
beforeAll(async () => {
  t = await startTestBot({
    now: () => clock,
    users: defaultUsersWithSandboxAlice(),
    scheduler: { enabled: false, perChannelIntervalMs: 0, sleep: async () => undefined },
  });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.reset();
  clock = NOW;
});

const sim = () => simulatorOf(t);
const text = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? call.args.text);
const contactIdByEmail = (email: string) => {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email.toLowerCase()),
  );
  if (!c) throw new Error(`no contact ${email}`);
  return c.id;
};

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };

/** The Undo button's value in a confirmation; undefined when it has none. */
function undoIdIn(blocks: unknown): string | undefined {
  const block = ((blocks ?? []) as Block[]).find((b) => b.block_id === 'undo');
  const button = block?.elements?.find((e) => e.action_id === ACTION.undoWrite);
  return button?.value;
}

/** The next response_url answer after `before` of them. */
async function nextResponse(before: number, match?: (c: RecordedCall) => boolean): Promise<RecordedCall> {
  return t.slack.waitFor(
    RESPONSE,
    (c) => t.slack.calls(RESPONSE).indexOf(c) >= before && (match ? match(c) : true),
    5000,
  );
}

/** `/crm …` and its first ephemeral answer. */
async function command(line: string): Promise<RecordedCall> {
  const before = t.slack.calls(RESPONSE).length;
  const res = await t.command(line);
  expect(res.status).toBe(200);
  return nextResponse(before);
}

function undoHandled(): number {
  return t.logs.filter((l) => l.msg === 'undo click handled').length;
}

/** Clicks Undo (as `user`) on a confirmation; resolves once the bot has handled it. */
async function clickUndo(undoId: string, user: { id: string } = USER, message?: FakeMessage) {
  const handled = undoHandled();
  const res = await t.interact(
    blockActionsPayload({
      actionId: ACTION.undoWrite,
      blockId: 'undo',
      value: undoId,
      user: { id: user.id, team_id: TEAM.id },
      ...(message
        ? { message: { ts: message.ts, text: message.text, blocks: message.blocks as unknown[] } }
        : {}),
    }),
  );
  expect(res.status).toBe(200);
  await vi.waitFor(() => expect(undoHandled()).toBe(handled + 1), { timeout: 5000 });
}

/** Clicks Undo and returns the response_url answer it gave. */
async function undoAnswer(undoId: string, user: { id: string } = USER): Promise<RecordedCall> {
  const before = t.slack.calls(RESPONSE).length;
  await clickUndo(undoId, user);
  return nextResponse(before);
}

async function quickTask(subject: string) {
  const reply = await command(`task ${ADA} ${subject} due tomorrow 3pm`);
  const undoId = undoIdIn(reply.args.blocks);
  if (!undoId) throw new Error(`no Undo on ${text(reply)}`);
  const task = sim().state.tasks.find((x) => x.subject === subject);
  if (!task) throw new Error('task not created');
  return { undoId, task, reply };
}

describe('Undo a note', () => {
  it('deletes the note, replaces the confirmation, audits it; a second click does nothing', async () => {
    const reply = await command(`note ${ADA} Called about the renewal`);
    expect(text(reply)).toContain('Called about the renewal');
    expect(validateMessage({ text: reply.args.text, blocks: reply.args.blocks })).toEqual([]);
    const undoId = undoIdIn(reply.args.blocks);
    expect(undoId).toBeDefined();
    const contactId = contactIdByEmail(ADA);
    const noteOf = () => sim().state.notes.find((n) => n.subject === 'Called about the renewal');
    expect(noteOf()?.contactIds).toContain(contactId);

    const answer = await undoAnswer(undoId ?? '');
    expect(answer.args.replace_original).toBe(true);
    expect(text(answer)).toContain(`Undone by <@${USER.id}>`);
    expect(text(answer)).toContain('was deleted');
    expect(undoIdIn(answer.args.blocks)).toBeUndefined();
    expect(noteOf()).toBeUndefined();
    const deletes = sim().requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual([expect.stringContaining(`api/contacts/${contactId}/notes/`)]);

    const responses = t.slack.calls(RESPONSE).length;
    await clickUndo(undoId ?? '');
    await t.idle();
    expect(t.slack.calls(RESPONSE)).toHaveLength(responses);
    expect(sim().requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);

    const audit = await t.bot.deps.store.audit.list({ teamId: TEAM.id, sinceMs: 0, limit: 100 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['note.create', 'note.create.undo']));
    t.slack.assertNoViolations();
  });

  it('two clicks at once undo once', async () => {
    const reply = await command(`note ${ADA} Double click me`);
    const undoId = undoIdIn(reply.args.blocks) ?? '';
    const handled = undoHandled();
    const payload = blockActionsPayload({ actionId: ACTION.undoWrite, blockId: 'undo', value: undoId });
    await Promise.all([t.interact(payload), t.interact(payload)]);
    await vi.waitFor(() => expect(undoHandled()).toBe(handled + 2), { timeout: 5000 });
    expect(sim().requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(t.slack.calls(RESPONSE).filter((c) => text(c).includes('Undone by'))).toHaveLength(1);
  });

  it('refuses anyone but the author, privately, and keeps the note', async () => {
    const reply = await command(`note ${ADA} Only mine to undo`);
    const undoId = undoIdIn(reply.args.blocks) ?? '';
    const answer = await undoAnswer(undoId, BOB);
    expect(answer.args.response_type).toBe('ephemeral');
    expect(answer.args.replace_original).toBe(false);
    expect(text(answer)).toContain(`Only <@${USER.id}> can undo this`);
    expect(sim().state.notes.some((n) => n.subject === 'Only mine to undo')).toBe(true);
    // The author still can.
    expect(text(await undoAnswer(undoId))).toContain('Undone by');
  });
});

describe('Undo a task', () => {
  it('deletes the task the quick path created', async () => {
    const { undoId, task } = await quickTask('Send the quote');
    const answer = await undoAnswer(undoId);
    expect(text(answer)).toContain('Undone by');
    expect(sim().state.tasks.some((x) => x.id === task.id)).toBe(false);
  });

  it('changes nothing when the task was changed in Agile since', async () => {
    const { undoId, task } = await quickTask('Changed meanwhile');
    task.dueEpochSec += 3600; // someone moved the due date in Agile
    const answer = await undoAnswer(undoId);
    expect(text(answer)).toContain('was changed in Agile since — nothing undone');
    expect(undoIdIn(answer.args.blocks)).toBeUndefined();
    expect(sim().state.tasks.some((x) => x.id === task.id)).toBe(true);
    expect(sim().requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('is too late after 10 minutes', async () => {
    const { undoId, task } = await quickTask('Too late for this');
    clock = new Date(NOW.getTime() + 10 * 60_000);
    const answer = await undoAnswer(undoId);
    expect(text(answer)).toContain('Too late to undo (10 minutes)');
    expect(undoIdIn(answer.args.blocks)).toBeUndefined();
    expect(sim().state.tasks.some((x) => x.id === task.id)).toBe(true);
  });

  it('an Agile failure says so in words, changes nothing, and the same Undo works afterwards', async () => {
    const { undoId, task } = await quickTask('Flaky delete');
    sim().faults.inject({ method: 'DELETE', path: /^api\/tasks\//, fault: { kind: 'status', status: 401 } });
    const failed = await undoAnswer(undoId);
    expect(failed.args.replace_original).toBe(false);
    expect(text(failed)).toContain('Could not undo');
    expect(text(failed)).toContain('API key');
    expect(sim().state.tasks.some((x) => x.id === task.id)).toBe(true);
    expect(text(await undoAnswer(undoId))).toContain('Undone by');
    expect(sim().state.tasks.some((x) => x.id === task.id)).toBe(false);
  });
});

describe('Undo a move', () => {
  it('puts the previous milestone back', async () => {
    const deal = sim().state.deals.find((d) => !d.archived && d.milestone && !/won|lost/i.test(d.milestone));
    if (!deal) throw new Error('no open deal in the seed');
    const track = sim().state.tracks.find((x) => x.id === deal.pipelineId);
    const target = track?.milestones.split(',').find((m) => m !== deal.milestone && !/lost/i.test(m));
    if (!target) throw new Error('no other milestone');
    const previous = deal.milestone;
    const reply = await command(`move ${deal.id} to ${target}`);
    expect(deal.milestone).toBe(target);
    const answer = await undoAnswer(undoIdIn(reply.args.blocks) ?? '');
    expect(text(answer)).toContain(`is back at ${previous}`);
    expect(deal.milestone).toBe(previous);
  });

  it('deletes the reason the move wrote on the deal, and keeps a note edited in Agile since', async () => {
    const open = sim().state.deals.filter(
      (d) => !d.archived && d.milestone && !/won|lost/i.test(d.milestone),
    );
    const [deal, other] = open.slice(2);
    if (!deal || !other) throw new Error('no open deals in the seed');
    const lostOf = (d: typeof deal) =>
      sim()
        .state.tracks.find((x) => x.id === d.pipelineId)
        ?.milestones.split(',')
        .find((m) => /lost/i.test(m));
    const notesOn = (id: string) => sim().state.notes.filter((n) => n.dealIds.includes(id));
    const before = deal.milestone;
    const kept = notesOn(deal.id).length;

    const reply = await command(`move ${deal.id} to ${lostOf(deal)} because budget cut in Q3`);
    expect(deal.milestone).toBe(lostOf(deal));
    expect(notesOn(deal.id)).toHaveLength(kept + 1);
    const answer = await undoAnswer(undoIdIn(reply.args.blocks) ?? '');
    expect(text(answer)).toContain(`is back at ${before}, and the note the move wrote on it was deleted`);
    expect(deal.milestone).toBe(before);
    expect(notesOn(deal.id)).toHaveLength(kept);
    expect(
      sim().requests.some((r) => r.method === 'POST' && r.path.endsWith('api/contacts/notes/bulk')),
    ).toBe(true);

    // Someone rewrote the reason in Agile: the milestone goes back, their note stays.
    const otherBefore = other.milestone;
    const second = await command(`move ${other.id} to ${lostOf(other)} because lost to a competitor`);
    const written = notesOn(other.id).find((n) => n.description.includes('lost to a competitor'));
    if (!written) throw new Error('the move wrote no note');
    written.description = 'Lost to a competitor — they matched our price.';
    const undone = await undoAnswer(undoIdIn(second.args.blocks) ?? '');
    expect(text(undone)).toContain(`is back at ${otherBefore}`);
    expect(text(undone)).not.toContain('note');
    expect(other.milestone).toBe(otherBefore);
    expect(notesOn(other.id)).toContainEqual(written);
  });

  it('refuses when the milestone changed since', async () => {
    // Another deal than the test above's: the same quick move within a minute is answered, not redone.
    const deal = sim()
      .state.deals.filter((d) => !d.archived && d.milestone && !/won|lost/i.test(d.milestone))
      .at(1);
    const track = sim().state.tracks.find((x) => x.id === deal?.pipelineId);
    const [first, second] = (track?.milestones.split(',') ?? []).filter(
      (m) => m !== deal?.milestone && !/lost/i.test(m),
    );
    if (!deal || !first || !second) throw new Error('no deal to move');
    const reply = await command(`move ${deal.id} to ${first}`);
    expect(deal.milestone).toBe(first);
    deal.milestone = second;
    const answer = await undoAnswer(undoIdIn(reply.args.blocks) ?? '');
    expect(text(answer)).toContain('was changed in Agile since');
    expect(deal.milestone).toBe(second);
  });
});

describe('Undo a created contact', () => {
  it('deletes the contact made from a lookup', async () => {
    const lookup = await command('lookup new.person@undo.example.com');
    const before = t.slack.calls(RESPONSE).length;
    await t.interact(
      blockActionsPayload({ actionId: ACTION.createContact, value: 'new.person@undo.example.com' }),
    );
    const created = await nextResponse(before);
    expect(text(lookup)).toContain('new.person@undo.example.com');
    const undoId = undoIdIn(created.args.blocks);
    expect(undoId).toBeDefined();
    expect(validateMessage({ text: created.args.text, blocks: created.args.blocks })).toEqual([]);
    const exists = () =>
      sim().state.contacts.some((c) => c.properties.some((p) => p.value === 'new.person@undo.example.com'));
    expect(exists()).toBe(true);
    expect(text(await undoAnswer(undoId ?? ''))).toContain('Undone by');
    expect(exists()).toBe(false);
  });
});

describe('Undo a digest change', () => {
  type Item = { blockId: string; value: string; taskId: string };
  function firstItem(message: FakeMessage): Item {
    for (const block of (message.blocks ?? []) as Block[]) {
      const button = block.elements?.find((e) => e.action_id === ACTION.digestComplete);
      if (block.type === 'actions' && button?.value && block.block_id) {
        const { id } = JSON.parse(button.value) as { id: string };
        return { blockId: block.block_id, value: button.value, taskId: id };
      }
    }
    throw new Error('no digest item');
  }
  /** Makes the clicker the task's owner (only the owner may Complete / Snooze by default). */
  const ownerOf = (taskId: string) => taskOwnerUser(t, taskId, 'UTC');
  async function digestClick(actionId: string) {
    await command('digest now');
    const main = (t.slack.messages.get(CHANNEL.id) ?? []).find((m) => !m.threadTs);
    if (!main) throw new Error('no digest');
    const item = firstItem(main);
    const owner = ownerOf(item.taskId);
    const before = t.slack.calls(RESPONSE).length;
    await t.interact(
      blockActionsPayload({
        actionId,
        blockId: item.blockId,
        value: item.value,
        user: { id: owner.id, team_id: TEAM.id },
        message: { ts: main.ts, text: main.text, blocks: main.blocks as unknown[] },
      }),
    );
    const confirmation = await nextResponse(before);
    const task = sim().state.tasks.find((x) => x.id === item.taskId);
    if (!task) throw new Error('task gone');
    return { owner, task, undoId: undoIdIn(confirmation.args.blocks) ?? '', confirmation };
  }

  it('Complete → Undo reopens the task', async () => {
    const { owner, task, undoId, confirmation } = await digestClick(ACTION.digestComplete);
    expect(text(confirmation)).toContain('Completed');
    expect(confirmation.args.response_type).toBe('ephemeral');
    expect(task.isComplete).toBe(true);
    await t.idle(); // the digest message is updated after the confirmation
    const completedLine = t.slack.calls('chat.update').at(-1);
    expect(JSON.stringify(completedLine?.args.blocks)).toContain('Completed by');
    const answer = await undoAnswer(undoId, owner);
    expect(text(answer)).toContain('is open again');
    expect(task.isComplete).toBe(false);
    expect(task.status).not.toBe('COMPLETED');
    // The digest's line is back: the task with its buttons, no "Completed by".
    const restored = t.slack.calls('chat.update').at(-1);
    expect(restored).not.toBe(completedLine);
    expect(restored?.args.ts).toBe(completedLine?.args.ts);
    const blocks = JSON.stringify(restored?.args.blocks);
    expect(blocks).not.toContain('Completed by');
    expect(blocks).toContain(`"action_id":"${ACTION.digestComplete}"`);
    expect(blocks).toContain(task.id);
  });

  it('Snooze → Undo restores the previous due date', async () => {
    await command('digest now');
    const main = (t.slack.messages.get(CHANNEL.id) ?? []).find((m) => !m.threadTs);
    const due = sim().state.tasks.find((x) => x.id === firstItem(main as FakeMessage).taskId)?.dueEpochSec;
    t.reset();
    const { owner, task, undoId } = await digestClick(ACTION.digestSnooze);
    expect(task.dueEpochSec).not.toBe(due);
    expect(text(await undoAnswer(undoId, owner))).toContain('previous due date');
    expect(task.dueEpochSec).toBe(due);
  });

  it('Reassign → Undo gives the task back to its previous owner', async () => {
    await command('digest now');
    const main = (t.slack.messages.get(CHANNEL.id) ?? []).find((m) => !m.threadTs) as FakeMessage;
    const item = firstItem(main);
    const task = sim().state.tasks.find((x) => x.id === item.taskId);
    const other = sim().state.users.find((u) => u.id !== task?.ownerId && u.email);
    if (!task || !other) throw new Error('no task or other Agile user');
    const previousOwner = task.ownerId;
    const picked = 'U0PICKED';
    t.slack.users.set(picked, {
      id: picked,
      name: 'p',
      realName: 'Picked',
      displayName: 'p',
      email: other.email,
      tz: 'UTC',
    });
    const before = t.slack.calls(RESPONSE).length;
    // Alice administers the workspace: she may reassign anyone's task.
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.digestReassign,
        blockId: item.blockId,
        action: { type: 'users_select', selected_user: picked, value: undefined },
        message: { ts: main.ts, text: main.text, blocks: main.blocks as unknown[] },
      }),
    );
    const confirmation = await nextResponse(before);
    expect(text(confirmation)).toContain('Reassigned');
    expect(task.ownerId).toBe(other.id);
    const answer = await undoAnswer(undoIdIn(confirmation.args.blocks) ?? '');
    expect(text(answer)).toContain('back with its previous owner');
    expect(task.ownerId).toBe(previousOwner);
  });

  it('the Undo of a digest change is refused to others', async () => {
    const { task, undoId } = await digestClick(ACTION.digestComplete);
    const answer = await undoAnswer(undoId, BOB);
    expect(text(answer)).toContain('can undo this');
    expect(task.isComplete).toBe(true);
  });
});

describe('Undo from forms and App Home', () => {
  it('the Log note form: the ephemeral confirmation carries Undo', async () => {
    const contactId = contactIdByEmail(ADA);
    const values: StateMap = {
      [BLOCK.contact]: {
        [ACTION.contactPicker]: { type: 'external_select', value: contactId, text: 'Ada Lovelace' },
      },
      [BLOCK.subject]: { [ACTION.subjectInput]: { type: 'plain_text_input', value: 'Form note' } },
      [BLOCK.note]: { [ACTION.noteInput]: { type: 'plain_text_input', value: 'Written in the form' } },
    };
    const privateMetadata = encodeNoteMeta({ channel: CHANNEL.id, channelName: CHANNEL.name });
    await t.interact(viewSubmissionPayload({ callbackId: CALLBACK.noteModal, privateMetadata, values }));
    const eph = await t.slack.waitFor('chat.postEphemeral');
    const undoId = undoIdIn(eph.args.blocks);
    expect(undoId).toBeDefined();
    expect(text(await undoAnswer(undoId ?? ''))).toContain('Undone by');
    expect(sim().state.notes.some((n) => n.subject === 'Form note')).toBe(false);
  });

  it('Log to CRM on a message: Undo takes the 📝 off, and the message may be logged to that contact again', async () => {
    const contactId = contactIdByEmail(ADA);
    const posted = t.slack.addMessage({
      channel: CHANNEL.id,
      text: 'Customer wants the renewal',
      user: BOB.id,
    });
    const store = t.bot.deps.store;
    /** The shortcut on the message, then the form submitted to Ada; resolves with the confirmation. */
    const logToAda = async () => {
      const from = t.slack.log.length;
      const since = (c: RecordedCall) => t.slack.log.indexOf(c) >= from;
      await t.interact(
        messageActionPayload({
          callbackId: SHORTCUT.logToCrm,
          message: { ts: posted.ts, text: posted.text ?? '', user: BOB.id },
        }),
      );
      const update = await t.slack.waitFor('views.update', since);
      const view = update.args.view as { private_metadata: string };
      const values: StateMap = {
        [BLOCK.contact]: {
          [ACTION.contactPicker]: { type: 'external_select', value: contactId, text: 'Ada Lovelace' },
        },
        [BLOCK.subject]: { [ACTION.subjectInput]: { type: 'plain_text_input', value: 'Renewal ask' } },
        [BLOCK.note]: {
          [ACTION.noteInput]: { type: 'plain_text_input', value: 'Customer wants the renewal' },
        },
      };
      const res = await t.interact(
        viewSubmissionPayload({
          callbackId: CALLBACK.noteModal,
          id: String(update.args.view_id),
          privateMetadata: view.private_metadata,
          values,
        }),
      );
      expect(res.body).toBe('');
      const confirmation = await t.slack.waitFor('chat.postEphemeral', since);
      await t.idle();
      return confirmation;
    };
    const reaction = `${CHANNEL.id}/${posted.ts}/memo`;
    const notes = () => sim().state.notes.filter((n) => n.subject === 'Renewal ask');

    const eph = await logToAda();
    expect(t.slack.reactions.has(reaction)).toBe(true);
    expect(notes()).toHaveLength(1);
    expect(await store.loggedMessages.find(CHANNEL.id, posted.ts, contactId)).toBeDefined();

    expect(text(await undoAnswer(undoIdIn(eph.args.blocks) ?? ''))).toContain('Undone by');
    await t.idle();
    expect(notes()).toHaveLength(0);
    expect(await store.loggedMessages.find(CHANNEL.id, posted.ts, contactId)).toBeUndefined();
    expect(t.slack.calls('reactions.remove')[0]?.args).toMatchObject({
      channel: CHANNEL.id,
      timestamp: posted.ts,
      name: 'memo',
    });
    expect(t.slack.reactions.has(reaction)).toBe(false);

    // Logged again: no "already logged" refusal, a new note, the 📝 back.
    const again = await logToAda();
    expect(JSON.stringify(again.args.blocks)).not.toContain('already logged');
    expect(notes()).toHaveLength(1);
    expect(t.slack.reactions.has(reaction)).toBe(true);
    t.slack.assertNoViolations();
  });

  it('the Create deal form: the ephemeral confirmation carries Undo, which deletes the deal', async () => {
    await t.command('deal');
    const update = await t.slack.waitFor('views.update');
    const view = update.args.view as { private_metadata: string };
    const track = sim().state.tracks.find((x) => x.name === 'Sales') ?? sim().state.tracks[0];
    const values: StateMap = {
      [BLOCK.dealName]: { [ACTION.dealName]: { type: 'plain_text_input', value: 'Undo deal' } },
      [BLOCK.value]: { [ACTION.dealValue]: { type: 'number_input', value: '1200' } },
      [BLOCK.probability]: { [ACTION.probability]: { type: 'number_input', value: '40' } },
      [BLOCK.track]: { [ACTION.trackSelect]: { type: 'static_select', value: track?.id ?? '' } },
      [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: 'New' } },
      [BLOCK.closeDate]: { [ACTION.closeDate]: { type: 'datepicker', selected_date: '2030-06-30' } },
      [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'multi_external_select', values: [] } },
      [BLOCK.description]: { [ACTION.description]: { type: 'plain_text_input', value: null } },
      [BLOCK.owner]: { [ACTION.ownerSelect]: { type: 'static_select', value: null } },
    };
    await t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.dealModal,
        id: String(update.args.view_id),
        privateMetadata: view.private_metadata,
        values,
      }),
    );
    const eph = await t.slack.waitFor('chat.postEphemeral');
    expect(sim().state.deals.some((d) => d.name === 'Undo deal')).toBe(true);
    expect(text(await undoAnswer(undoIdIn(eph.args.blocks) ?? ''))).toContain('Undone by');
    expect(sim().state.deals.some((d) => d.name === 'Undo deal')).toBe(false);
  });

  it('App Home Complete: Undo at the top of the Home tab reopens the task', async () => {
    const alice = sim().state.users.find((u) => u.email === ALICE_AGILE);
    const task = sim()
      .state.tasks.filter((x) => x.ownerId === alice?.id && !x.isComplete)
      .sort((a, b) => a.dueEpochSec - b.dueEpochSec)[0];
    if (!task) throw new Error('Alice has pending tasks in the seed');
    const publishes = () => t.slack.calls('views.publish').length;
    const homeView = () => {
      const v = [...t.slack.views.values()].find((x) => x.userId === USER.id && x.view.type === 'home');
      if (!v) throw new Error('no home');
      return v;
    };
    let before = publishes();
    await t.event({
      token: 'x',
      team_id: TEAM.id,
      api_app_id: 'A0CRM',
      type: 'event_callback',
      event_id: 'EvUndoHome',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: USER.id, channel: `D${USER.id}`, tab: 'home', event_ts: '1.2' },
    });
    await vi.waitFor(() => expect(publishes()).toBeGreaterThan(before), { timeout: 5000 });
    await t.idle();
    const row = ((homeView().view.blocks ?? []) as Block[]).find(
      (b) => b.block_id === `home_task:${task.id}`,
    );
    const complete = row?.elements?.find((e) => e.action_id === ACTION.homeTaskComplete);
    const clickComplete = () =>
      t.interact(
        blockActionsPayload({
          actionId: ACTION.homeTaskComplete,
          blockId: `home_task:${task.id}`,
          action: { type: 'button', value: complete?.value },
          view: { id: homeView().id },
        }),
      );
    before = publishes();
    await clickComplete();
    await vi.waitFor(() => expect(publishes()).toBeGreaterThan(before), { timeout: 5000 });
    await t.idle();
    expect(task.isComplete).toBe(true);
    const undoId = undoIdIn(homeView().view.blocks);
    expect(undoId).toBeDefined();
    expect(JSON.stringify(homeView().view.blocks)).toContain('Completed');

    before = publishes();
    await clickUndoInView(undoId ?? '', homeView().id);
    await vi.waitFor(() => expect(publishes()).toBeGreaterThan(before), { timeout: 5000 });
    expect(task.isComplete).toBe(false);
    expect(JSON.stringify(homeView().view.blocks)).toContain('Undone by');
    expect(undoIdIn(homeView().view.blocks)).toBeUndefined();

    // Changed my mind again: the same Complete works again (the undone click is forgotten).
    await clickComplete();
    await vi.waitFor(() => expect(task.isComplete).toBe(true), { timeout: 5000 });
  });
});

async function clickUndoInView(undoId: string, viewId: string) {
  const handled = undoHandled();
  await t.interact(
    blockActionsPayload({ actionId: ACTION.undoWrite, blockId: 'undo', value: undoId, view: { id: viewId } }),
  );
  await vi.waitFor(() => expect(undoHandled()).toBe(handled + 1), { timeout: 5000 });
}
