// The fault matrix (issue 11 part 9): every write surface × every Agile fault, over real HTTP through
// the real Bolt app. Per cell: the user reads specific words, the simulator holds the write 0 or 1
// times (never 2), and what the user typed is in what they see. After a fault that leaves the outcome
// unknown, the same command/click again checks whether the write landed and never writes it twice.
import { describe, expect, it } from 'vitest';
import type { FaultRule, TargetedFault } from '../../src/devkit/sandbox/agile-simulator.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/platform/slack/ids.js';
import { RESPONSE } from '../helpers/fake-slack.js';
import { blockActionsPayload, viewSubmissionPayload } from '../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL, simulatorOf } from '../helpers/test-bot.js';
import { useTestBot } from '../helpers/use-test-bot.js';

const TIMEOUT_MS = 300;

const t = useTestBot({
  // Short timeouts, one quick retry for reads, and a Retry-After above 1 s fails at once (no waiting).
  agileOptions: { timeoutMs: TIMEOUT_MS, retries: 1, retryBaseDelayMs: 5, maxRetryAfterMs: 1000 },
  scheduler: { enabled: false },
  // Public replies are sent with the user's own Agile account: the default user has one.
  workspace: { personal: DEFAULT_USER_PERSONAL },
});
const sim = () => simulatorOf(t);

interface Fault {
  name: string;
  /** The fault on the surface's write request(s). */
  fault: TargetedFault | 'all-hang';
  /** How many times the rule applies (PUTs are retried by the client: enough to outlast the retries). */
  times?: number;
  /** What the user must read. */
  words: RegExp;
  /** Writes in the CRM right after the fault. */
  written: 0 | 1;
  /** The outcome was unknown: the same command/click again must end with exactly one write. */
  retry?: boolean;
}

const MAY = /may have been/i;
const FAULTS: Fault[] = [
  {
    name: '400',
    fault: { kind: 'status', status: 400, body: 'Invalid input: rejected by the matrix' },
    words: /rejected the input: Invalid input/,
    written: 0,
  },
  { name: '401', fault: { kind: 'status', status: 401 }, words: /rejected our API key/, written: 0 },
  {
    name: '429 with Retry-After',
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': '7' } },
    times: 3,
    words: /rate limiting us — try again in 7 seconds/,
    written: 0,
  },
  {
    name: '500',
    fault: { kind: 'status', status: 500, body: 'Internal Server Error' },
    times: 3,
    words: /not answering properly right now \(HTTP 500\)/,
    written: 0,
  },
  {
    name: 'timeout before apply',
    fault: { kind: 'hang' },
    times: 3,
    words: /did not answer in time.*may have been saved/s,
    written: 0,
    retry: true,
  },
  {
    name: 'timeout after apply',
    fault: { kind: 'apply-then-hang' },
    times: 3,
    words: /did not answer in time.*may have been saved/s,
    written: 1,
    retry: true,
  },
  {
    name: 'hang (every request)',
    fault: 'all-hang',
    words: /did not answer in time/,
    written: 0,
  },
  {
    name: 'connection reset after apply',
    fault: { kind: 'apply-then-drop' },
    times: 3,
    words: /could not be reached.*may have been saved/s,
    written: 1,
    retry: true,
  },
];

interface Surface {
  name: string;
  /** Method and path (after /dev/) of the write the faults hit. */
  write: Pick<FaultRule, 'method' | 'path'>;
  /** Per cell, before the first try: e.g. opens the form whose submission is the write. */
  open?: () => Promise<string>;
  /**
   * Sends the user's action with `token` in what they type (the same token and opened form = the same
   * action again) and resolves with everything the user then sees.
   */
  act(token: string, opened: string): Promise<string>;
  /**
   * The counted record is written by a second request after the faulted one (a move writes the
   * milestone, then its reason as a note): after an applied-then-lost write it is not there yet.
   */
  countsFollowUp?: boolean;
  /** A form answers a failure under its input (Slack keeps everything typed): the text needs no echo. */
  keepsTyped?: boolean;
  /** How many times the write with `token` is in the CRM. */
  count(token: string): number;
  /** Words of a success (after a retry). */
  success: RegExp;
}

const ADA = 'ada.lovelace@northwind.example.com';
const contactByEmail = (email: string) =>
  sim().state.contacts.find((c) =>
    c.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email),
  );
const openTicketId = () => sim().state.tickets.find((x) => x.status !== 'CLOSED')?.id ?? '';
const openDeal = () => sim().state.deals.find((d) => !/won|lost/i.test(d.milestone)) ?? sim().state.deals[0];

const SURFACES: Surface[] = [
  {
    name: 'note form (/crm note → Log note)',
    write: { method: 'POST', path: 'api/notes' },
    open: openNoteForm,
    act: submitNoteForm,
    keepsTyped: true,
    count: (token) => sim().state.notes.filter((n) => n.subject === `Form note ${token}`).length,
    success: /^\n/, // a bare ack: the modal closes, and the confirmation follows
  },
  {
    name: 'quick note (/crm note)',
    write: { method: 'POST', path: 'api/notes' },
    act: (token) => byCommand(`note ${ADA} Matrix note ${token}`),
    count: (token) => sim().state.notes.filter((n) => n.subject === `Matrix note ${token}`).length,
    success: /Logged a note/,
  },
  {
    name: 'quick task (/crm task)',
    write: { method: 'POST', path: 'api/tasks' },
    act: (token) => byCommand(`task ${ADA} Call ${token} due tomorrow 3pm`),
    count: (token) => sim().state.tasks.filter((x) => x.subject === `Call ${token}`).length,
    success: /Task created/,
  },
  {
    name: 'quick move (/crm move … because …)',
    write: { method: 'PUT', path: 'api/opportunity/partial-update' },
    act: (token) => byCommand(`move ${openDeal()?.id} to Lost because ${token}`),
    // The move writes the milestone, then the reason as a deal note: one note per move, never two.
    count: (token) => sim().state.notes.filter((n) => n.description.includes(token)).length,
    countsFollowUp: true,
    success: /moved/,
  },
  {
    name: 'quick ticket reply, public (/crm reply)',
    write: { method: 'POST', path: /^api\/notes\/\d+$/ },
    act: (token) => byCommand(`reply ${openTicketId()} Thanks, fixed ${token}`),
    count: (token) => sim().state.ticketNotes.filter((n) => n.plainText.includes(token)).length,
    success: /ticket #\d+/,
  },
  {
    name: 'create contact (button)',
    write: { method: 'POST', path: 'api/contacts' },
    act: async (token) => {
      const email = `matrix.${token}@newco.example.com`;
      const from = t.slack.log.length;
      await t.interact(
        blockActionsPayload({
          actionId: ACTION.createContact,
          value: email,
          message: { ts: `1767226${token}.0001` },
        }),
      );
      return answered(from);
    },
    count: (token) => (contactByEmail(`matrix.${token}@newco.example.com`) ? 1 : 0),
    success: /Created contact|already exists/,
  },
];

let tokenSeq = 0;
/** Digits only (the create-contact button's message ts is built from it), unique per cell. */
const nextToken = () => `${Date.now() % 100_000}${++tokenSeq}`.padStart(7, '0');

/** Everything the bot said to the user since `from` (response_url posts, DMs, ephemerals), as text. */
function said(from: number): string {
  return t.slack.log
    .slice(from)
    .filter((c) => c.method === RESPONSE || c.method.startsWith('chat.'))
    .map((c) => JSON.stringify([c.args.text, c.args.blocks]))
    .join('\n');
}

async function answered(from: number): Promise<string> {
  await t.idle();
  await t.slack.waitFor(RESPONSE, () => said(from) !== '');
  await t.idle();
  return said(from);
}

async function byCommand(text: string): Promise<string> {
  const from = t.slack.log.length;
  await t.command(text);
  return answered(from);
}

/** `/crm note` opened: the form's private_metadata (its view id is the one the fake Slack made). */
async function openNoteForm(): Promise<string> {
  const from = t.slack.log.length;
  await t.command('note');
  const update = await t.slack.waitFor('views.update', (c) => t.slack.log.indexOf(c) >= from);
  await t.idle();
  return JSON.stringify({
    viewId: update.args.view_id,
    meta: (update.args.view as { private_metadata?: string }).private_metadata ?? '',
  });
}

/** Submits the note form: a failure comes back as response_action errors (the modal stays, as typed). */
async function submitNoteForm(token: string, opened: string): Promise<string> {
  const { viewId, meta } = JSON.parse(opened) as { viewId: string; meta: string };
  const ada = contactByEmail(ADA);
  const from = t.slack.log.length;
  const res = await t.interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.noteModal,
      id: viewId,
      privateMetadata: meta,
      values: {
        [BLOCK.contact]: {
          [ACTION.contactPicker]: { type: 'external_select', value: ada?.id ?? null, text: 'Ada' },
        },
        [BLOCK.subject]: { [ACTION.subjectInput]: { type: 'plain_text_input', value: `Form note ${token}` } },
        [BLOCK.note]: {
          [ACTION.noteInput]: { type: 'plain_text_input', value: `Typed in the form ${token}` },
        },
      },
    }),
  );
  await t.idle();
  return `${res.body}\n${said(from)}`;
}

describe.each(SURFACES)('$name', (surface) => {
  it.each(FAULTS)('$name', async (cell) => {
    const token = nextToken();
    if (cell.fault === 'all-hang') sim().faults.inject({ fault: { kind: 'hang' }, times: 50 });
    else sim().faults.inject({ ...surface.write, fault: cell.fault, times: cell.times ?? 1 });

    const opened = surface.open ? await surface.open() : '';
    const text = await surface.act(token, opened);
    expect(text).toMatch(cell.words);
    // Every request hanging: a surface that reads first fails on the read (nothing sent); one whose
    // first request is the write (the note form) got no answer to it, and says it may have been saved.
    const unknown = cell.retry === true || (cell.fault === 'all-hang' && MAY.test(text));
    if (!unknown) expect(text).not.toMatch(MAY);
    // What was typed is shown back (a form keeps it: the failure is answered under its input).
    if (surface.keepsTyped) expect(text).toContain('"response_action":"errors"');
    else expect(text).toContain(token);
    expect(surface.count(token)).toBe(surface.countsFollowUp ? 0 : cell.written);
    if (unknown) expect(text).not.toMatch(/not (sent|logged|created|moved)|Nothing was/);

    sim().faults.reset();
    if (unknown) {
      // The same action again: it checks whether the write landed, and writes only if it did not.
      expect(await surface.act(token, opened)).toMatch(surface.success);
      expect(surface.count(token)).toBe(1);
    }
    t.slack.assertNoViolations();
  });
});
