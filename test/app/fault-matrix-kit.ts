// The fault matrix (issue 11 part 9): every write surface × every Agile fault, over real HTTP through
// the real Bolt app. The surfaces are split over three files (commands, forms, digest buttons) that
// run in parallel; this module holds the faults, the per-cell checks and what the surfaces share.
// Per cell: the user reads specific words, the simulator holds the write 0 or 1 times (never 2), and
// what the user typed is in what they see (a form keeps it: the error is answered under its input).
// After a fault that leaves the outcome unknown, the same action again checks whether the write landed
// and ends with exactly one write.
import { describe, expect, it } from 'vitest';
import type { FaultRule, TargetedFault } from '../../src/devkit/sandbox/agile-simulator.js';
import { nextId } from '../../src/devkit/sandbox/state.js';
import { RESPONSE } from '../helpers/fake-slack.js';
import { blockActionsPayload, type StateMap, viewSubmissionPayload } from '../helpers/payloads.js';
import { simulatorOf, type TestBot } from '../helpers/test-bot.js';

/** The matrix bots' Agile client timeout: short, so a hang costs little. */
export const TIMEOUT_MS = 300;

/** Short timeouts, one quick retry for reads, and a Retry-After above 1 s fails at once (no waiting). */
export const MATRIX_AGILE_OPTIONS = {
  timeoutMs: TIMEOUT_MS,
  retries: 1,
  retryBaseDelayMs: 5,
  maxRetryAfterMs: 1000,
};

export interface Fault {
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

export const MAY = /may have been/i;

export const FAULTS: Fault[] = [
  {
    name: '400',
    fault: { kind: 'status', status: 400, body: 'Invalid input: rejected by the matrix' },
    words: /rejected the input: Invalid input/,
    written: 0,
  },
  {
    name: '401',
    fault: { kind: 'status', status: 401 },
    words: /rejected the Agile email and API key/,
    written: 0,
  },
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
    // App Engine committed the write, then its gateway gave up waiting for the answer.
    name: '504 after apply',
    fault: {
      kind: 'apply-then-status',
      status: 504,
      body: '<html><title>504 Gateway Timeout</title></html>',
    },
    times: 3,
    words: /not answering properly right now \(HTTP 504\).*may have been saved/s,
    written: 1,
    retry: true,
  },
  {
    // The request hit App Engine's deadline after the datastore committed the write.
    name: '500 DeadlineExceededException after apply',
    fault: {
      kind: 'apply-then-status',
      status: 500,
      body: 'com.google.apphosting.api.DeadlineExceededException: This request (7d1f) started at 2026/03/10 08:00:00.000 UTC and was still executing at 2026/03/10 08:01:00.003 UTC.',
    },
    times: 3,
    words: /not answering properly right now \(HTTP 500\).*may have been saved/s,
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

export interface Surface {
  name: string;
  /** Method and path (after /dev/) of the write the faults hit. */
  write: Pick<FaultRule, 'method' | 'path'>;
  /** Per cell, before the fault: e.g. opens the form whose submission is the write. */
  open?: (token: string) => Promise<string>;
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
  count(token: string, opened: string): number;
  /** Words of a success (after a retry). */
  success: RegExp;
  /** What a refusal (an outcome known, not "may have been") must say besides the fault's words. */
  refusal?: RegExp;
}

let tokenSeq = 0;
/** Digits only (message timestamps are built from it), unique per cell. */
export const nextToken = () => `${Date.now() % 100_000}${++tokenSeq}`.padStart(7, '0');

/** What the matrix files (and retry-writes) share about one bot: what the user was told, and the ways to act. */
export function matrixKit(t: TestBot) {
  const sim = () => simulatorOf(t);

  /** Everything the bot said to the user since `from` (response_url posts, DMs, ephemerals, updates). */
  const said = (from: number): string =>
    t.slack.log
      .slice(from)
      .filter((c) => c.method === RESPONSE || c.method.startsWith('chat.'))
      .map((c) => JSON.stringify([c.args.text, c.args.blocks]))
      .join('\n');

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

  /** The filled form after `/crm <command>` (the newest view with that callback): its id and metadata. */
  async function openForm(command: string, callbackId: string): Promise<{ viewId: string; meta: string }> {
    const from = t.slack.log.length;
    await t.command(command);
    await t.slack.waitFor('views.open', (c) => t.slack.log.indexOf(c) >= from);
    await t.idle();
    const view = [...t.slack.views.values()].filter((v) => v.view.callback_id === callbackId).at(-1);
    if (!view) throw new Error(`no ${callbackId} view`);
    return { viewId: view.id, meta: String(view.view.private_metadata ?? '') };
  }

  /** Submits a form: a failure comes back as response_action errors (the modal stays, as typed). */
  async function submit(
    callbackId: string,
    opened: { viewId: string; meta: string },
    values: StateMap,
  ): Promise<string> {
    const from = t.slack.log.length;
    const res = await t.interact(
      viewSubmissionPayload({ callbackId, id: opened.viewId, privateMetadata: opened.meta, values }),
    );
    await t.idle();
    return `${res.body}\n${said(from)}`;
  }

  /** Picks a record in an open form (its external select) and waits for the form to follow; new metadata. */
  async function pick(
    opened: { viewId: string },
    callbackId: string,
    picker: { blockId: string; actionId: string },
    value: string,
  ): Promise<{ viewId: string; meta: string }> {
    const { viewId } = opened;
    const before = t.slack.calls('views.update').length;
    const current = t.slack.views.get(viewId);
    await t.interact(
      blockActionsPayload({
        actionId: picker.actionId,
        blockId: picker.blockId,
        action: {
          type: 'external_select',
          selected_option: { value, text: { type: 'plain_text', text: value } },
        },
        view: {
          id: viewId,
          hash: current?.hash ?? '',
          callbackId,
          privateMetadata: String(current?.view.private_metadata ?? ''),
          values: { [picker.blockId]: { [picker.actionId]: { type: 'external_select', value } } },
        },
      }),
    );
    await t.slack.waitFor('views.update', () => t.slack.calls('views.update').length > before);
    await t.idle();
    return { viewId, meta: String(t.slack.views.get(viewId)?.view.private_metadata ?? '') };
  }

  /** A deal of its own per cell (the move writes it): a copy of an open Sales deal, at Prospect. */
  function freshDeal(token: string): string {
    const state = sim().state;
    const sales = state.tracks.find((x) => x.name === 'Sales');
    const model = state.deals.find((d) => d.pipelineId === sales?.id && !/won|lost/i.test(d.milestone));
    if (!model) throw new Error('no open Sales deal to copy');
    const id = nextId(state);
    state.deals.push({ ...model, id, name: `Matrix deal ${token}`, milestone: 'Prospect', contactIds: [] });
    return id;
  }

  const openTicketId = () => sim().state.tickets.find((x) => x.status !== 'CLOSED')?.id ?? '';

  return { sim, said, answered, byCommand, openForm, submit, pick, freshDeal, openTicketId };
}

/** The cells of `surfaces` × FAULTS, with the checks every cell makes. */
export function describeMatrix(t: TestBot, surfaces: Surface[]): void {
  const sim = () => simulatorOf(t);
  describe.each(surfaces)('$name', (surface) => {
    it.each(FAULTS)('$name', async (cell) => {
      const token = nextToken();
      // Opened first (a form's reads are not the write under test), then the fault.
      const opened = surface.open ? await surface.open(token) : '';
      if (cell.fault === 'all-hang') sim().faults.inject({ fault: { kind: 'hang' }, times: 50 });
      else sim().faults.inject({ ...surface.write, fault: cell.fault, times: cell.times ?? 1 });

      const text = await surface.act(token, opened);
      expect(text).toMatch(cell.words);
      // Every request hanging: a surface that reads first fails on the read (nothing sent); one whose
      // first request is the write got no answer to it, and says it may have been saved.
      const unknown = cell.retry === true || (cell.fault === 'all-hang' && MAY.test(text));
      if (!unknown) expect(text).not.toMatch(MAY);
      if (!unknown && surface.refusal && cell.fault !== 'all-hang') expect(text).toMatch(surface.refusal);
      // What was typed is shown back (a form keeps it: the failure is answered under its input).
      if (surface.keepsTyped) expect(text).toContain('"response_action":"errors"');
      else expect(text).toContain(token);
      expect(surface.count(token, opened)).toBe(surface.countsFollowUp ? 0 : cell.written);
      if (unknown) expect(text).not.toMatch(/not (sent|logged|created|moved|updated|changed)|Nothing was/);

      sim().faults.reset();
      if (unknown) {
        // The same action again: it checks whether the write landed, and writes only if it did not.
        expect(await surface.act(token, opened)).toMatch(surface.success);
        expect(surface.count(token, opened)).toBe(1);
      }
      t.slack.assertNoViolations();
    });
  });
}
