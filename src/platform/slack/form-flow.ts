import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { isOutcomeUnknown } from '../agile/index.js';
import type { Store } from '../store/index.js';
import type { OnceOutcome } from '../store/run-once.js';
import { TIMEOUT, within } from '../within.js';
import { describeAgileError } from './error-words.js';
import { type RetryableWrite, sendFailedWriteDm } from './failed-write.js';
import { BLOCK } from './ids.js';
import { truncate } from './mrkdwn.js';

/**
 * The one form flow every modal follows:
 *   openForm   — views.open at once with a loading view (a trigger_id lives 3 s), then fill it;
 *   parseForm  — validate the submitted values with a zod schema, before any I/O;
 *   submitForm — write within Slack's budget, else "Saving…", then the result or the form again.
 */

export type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface OpenFormPlan {
  client: WebClient;
  logger: Logger;
  triggerId: string;
  /** Shown at once, before any CRM call. */
  loading: View;
  /** The filled form (CRM reads go here). Degrade inside when a part is optional. */
  fill: () => Promise<View>;
  /** Replaces the loading view when fill throws: the words say why, and what to do. */
  unavailable: (message: string) => View;
}

/**
 * Opens a modal at once and fills it after. Throws only when Slack refuses to open it (the caller
 * tells the user); a failed fill becomes the unavailable view, never silence.
 */
export async function openForm(plan: OpenFormPlan): Promise<{ viewId: string }> {
  const opened = await plan.client.views.open({ trigger_id: plan.triggerId, view: plan.loading });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('views.open returned no view id');
  let view: View;
  try {
    view = await plan.fill();
  } catch (err) {
    plan.logger.warn({ err, callbackId: plan.loading.callback_id }, 'could not fill the modal');
    view = plan.unavailable(capitalise(describeAgileError(err)));
  }
  await plan.client.views
    .update({ view_id: viewId, hash: opened.view?.hash, view })
    .catch((err: unknown) => plan.logger.warn({ err }, 'could not fill the modal (closed?)'));
  return { viewId };
}

/** Block ids of the inputs errors show under: a schema's keys are BLOCK's keys. */
type BlockKey = keyof typeof BLOCK;

/** Validation messages show under an input; keep them a readable sentence. */
const ERROR_MAX = 300;

export type ParsedForm<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/**
 * Validates submitted values with a zod schema whose keys are named after BLOCK's keys, so an issue's
 * path names the input it belongs to (one mapping for every form). The first issue per input wins.
 */
export function parseForm<S extends z.ZodType>(schema: S, values: unknown): ParsedForm<z.output<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: formErrors(parsed.error.issues) };
}

/** zod issues → `{ [block_id]: message }` for response_action "errors". */
export function formErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || !(field in BLOCK)) {
      throw new Error(`form schema field ${String(field)} is not a BLOCK key`);
    }
    const blockId = BLOCK[field as BlockKey];
    errors[blockId] ??= truncate(issue.message, ERROR_MAX);
  }
  return errors;
}

export interface SubmitPlan<T> {
  /** The use case: writes at most once (its idempotency key inside) and tells what happened. */
  write: () => Promise<OnceOutcome<T>>;
  /** After a write (first or replayed): post the confirmation. Errors here are logged, never shown. */
  onSuccess: (result: T, info: { replayed: boolean }) => Promise<void>;
  /** Which input a failure belongs to: an Agile 400 about the value → BLOCK.value, and so on. */
  errorBlock: (err: unknown) => string;
  /** The words for a failure that is not an Agile error (default: describeAgileError). */
  errorMessage?: (err: unknown) => string | undefined;
  /** Shown while a slow CRM is still saving (the ack must not wait past Slack's 3 s). */
  savingView: () => View;
  /** Replaces the saving view when the slow write succeeded (and the form itself, with showDone). */
  doneView: (result: T) => View;
  /** A write within the budget turns the form into doneView instead of closing it (e.g. "Connected"). */
  showDone?: boolean;
  /** The form again, with everything typed and the error on top, when the slow write failed. */
  failedView: (message: string, err: unknown) => View;
  /** How long to wait for the CRM before acking with the saving view; ~2 s leaves room in Slack's 3. */
  budgetMs?: number;
  /**
   * The write as a retry can run it again: a slow write that fails after the user closed the modal
   * reaches them by DM with everything typed and a Retry button (platform/slack/failed-write.ts).
   */
  retry?: RetryableWrite;
  /** The failure DM's words, where the form's would not fit a DM (e.g. "Submit again"); default errorMessage. */
  dmErrorMessage?: (err: unknown) => string | undefined;
}

/** Set when the user closes a "Saving…" modal (view_closed), so a late failure goes to their DMs. */
export const viewClosedKey = (viewId: string) => `view-closed:${viewId}`;
const VIEW_CLOSED_KEEP_SEC = 60 * 60;

/** view_closed of a form whose saving view asked for it: remember it for a late failure. */
export async function recordViewClosed(
  deps: { logger: Logger; store: Pick<Store, 'cache'> },
  viewId: string,
): Promise<void> {
  await deps.store.cache
    .set(viewClosedKey(viewId), true, VIEW_CLOSED_KEEP_SEC)
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not record a closed modal'));
}

/**
 * The one way a modal submission writes to the CRM (validated input only):
 * - the write finishes within the budget → the modal closes, then onSuccess confirms;
 * - it fails within the budget → response_action "errors" on the right input, everything typed kept;
 * - it is slow → the modal turns into "Saving…", then into the result (or the form again, with the error).
 */
export async function submitForm<T>(
  args: SubmitArgs,
  deps: { logger: Logger; store?: Pick<Store, 'cache'> },
  plan: SubmitPlan<T>,
): Promise<void> {
  const { ack, body, client } = args;
  const viewId = body.view.id;
  const outcome = plan.write();
  outcome.catch(() => undefined);
  const words = (err: unknown) => capitalise(plan.errorMessage?.(err) ?? describeAgileError(err));

  let first: Awaited<typeof outcome> | typeof TIMEOUT;
  try {
    first = await within(outcome, plan.budgetMs ?? 2000);
  } catch (err) {
    deps.logger.warn({ err, callbackId: body.view.callback_id }, 'modal submission failed');
    await ack({
      response_action: 'errors',
      errors: { [plan.errorBlock(err)]: truncate(words(err), ERROR_MAX) },
    });
    return;
  }

  if (first !== TIMEOUT) {
    if (plan.showDone && first.status === 'done')
      await ack({ response_action: 'update', view: plan.doneView(first.result) });
    else await ack();
    // in_progress: the same submission is being saved by an earlier delivery, which will confirm.
    if (first.status === 'done')
      await safely(deps.logger, () => plan.onSuccess(first.result, { replayed: first.replayed }));
    return;
  }

  // With a retry, Slack tells us when the user closes the saving view (a late failure then goes to a DM).
  const saving = plan.retry ? { ...plan.savingView(), notify_on_close: true } : plan.savingView();
  await ack({ response_action: 'update', view: saving });
  let later: Awaited<typeof outcome>;
  try {
    later = await outcome;
  } catch (err) {
    deps.logger.warn({ err, callbackId: body.view.callback_id }, 'slow modal submission failed');
    const store = deps.store;
    const closed = store ? await store.cache.get(viewClosedKey(viewId)).catch(() => undefined) : undefined;
    const shown =
      !closed &&
      (await client.views.update({ view_id: viewId, view: plan.failedView(words(err), err) }).then(
        () => true,
        (e: unknown) => {
          deps.logger.warn({ err: e }, 'could not show the failure in the modal (closed?)');
          return false;
        },
      ));
    if (!shown && plan.retry && store) {
      const pending = {
        ...plan.retry,
        teamId: body.team?.id ?? body.user.team_id ?? '',
        userId: body.user.id,
      };
      const reason = plan.dmErrorMessage?.(err);
      await sendFailedWriteDm(
        client,
        deps.logger,
        store,
        pending,
        reason ? capitalise(reason) : words(err),
        // A write that failed because one of its parts got no answer may have been saved too.
        isOutcomeUnknown(err) || isOutcomeUnknown((err as { cause?: unknown } | undefined)?.cause),
      );
    }
    return;
  }
  if (later.status !== 'done') return;
  // The write succeeded: confirm even if the modal can no longer be updated (the user closed it).
  await client.views
    .update({ view_id: viewId, view: plan.doneView(later.result) })
    .catch((e) => deps.logger.warn({ err: e }, 'could not show the result in the modal (closed?)'));
  await safely(deps.logger, () => plan.onSuccess(later.result, { replayed: later.replayed }));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function safely(logger: Logger, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    logger.error({ err }, 'confirmation after a successful write failed');
  }
}
