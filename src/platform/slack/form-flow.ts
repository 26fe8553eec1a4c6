import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { runOnce } from '../store/run-once.js';
import { TIMEOUT, within } from '../within.js';
import { describeAgileError } from './error-words.js';
import { truncate } from './mrkdwn.js';

export type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface SubmitPlan<T> {
  /** Idempotency key; default `view:{view.id}` (one write per modal, whatever Slack re-delivers). */
  key?: string;
  /** The CRM write(s). Runs at most once per key. */
  work: () => Promise<T>;
  /** After a write (first or replayed): post the confirmation. Errors here are logged, never shown. */
  onSuccess: (result: T, info: { replayed: boolean }) => Promise<void>;
  /** Which input a failure belongs to: an Agile 400 about the value → BLOCK.value, and so on. */
  errorBlock: (err: unknown) => string;
  /** The words for a failure that is not an Agile error (default: describeAgileError). */
  errorMessage?: (err: unknown) => string | undefined;
  /** Shown while a slow CRM is still saving (the ack must not wait past Slack's 3 s). */
  savingView: () => View;
  /** Replaces the saving view when the slow write succeeded. */
  doneView: (result: T) => View;
  /** The form again, with everything typed and the error on top, when the slow write failed. */
  failedView: (message: string) => View;
  /** How long to wait for the CRM before acking with the saving view; ~2 s leaves room in Slack's 3. */
  budgetMs?: number;
}

/** Validation messages show under an input; keep them a readable sentence. */
const ERROR_MAX = 300;

/**
 * The one way a modal submission writes to the CRM (validated input only):
 * - the write finishes within the budget → the modal closes, then onSuccess confirms;
 * - it fails within the budget → response_action "errors" on the right input, everything typed kept;
 * - it is slow → the modal turns into "Saving…", then into the result (or the form again, with the error).
 */
export async function submitWithBudget<T>(args: SubmitArgs, deps: Deps, plan: SubmitPlan<T>): Promise<void> {
  const { ack, body, client } = args;
  const viewId = body.view.id;
  const key = plan.key ?? `view:${viewId}`;
  const outcome = runOnce(deps.store, key, plan.work);
  outcome.catch(() => undefined);

  let first: Awaited<typeof outcome> | typeof TIMEOUT;
  try {
    first = await within(outcome, plan.budgetMs ?? 2000);
  } catch (err) {
    deps.logger.warn({ err, callbackId: body.view.callback_id }, 'modal submission failed');
    await ack({
      response_action: 'errors',
      errors: {
        [plan.errorBlock(err)]: truncate(
          capitalise(plan.errorMessage?.(err) ?? describeAgileError(err)),
          ERROR_MAX,
        ),
      },
    });
    return;
  }

  if (first !== TIMEOUT) {
    await ack();
    // in_progress: the same submission is being saved by an earlier delivery, which will confirm.
    if (first.status === 'done')
      await safely(deps, () => plan.onSuccess(first.result, { replayed: first.replayed }));
    return;
  }

  await ack({ response_action: 'update', view: plan.savingView() });
  let later: Awaited<typeof outcome>;
  try {
    later = await outcome;
  } catch (err) {
    deps.logger.warn({ err, callbackId: body.view.callback_id }, 'slow modal submission failed');
    await client.views
      .update({
        view_id: viewId,
        view: plan.failedView(capitalise(plan.errorMessage?.(err) ?? describeAgileError(err))),
      })
      .catch((e) => deps.logger.warn({ err: e }, 'could not show the failure in the modal (closed?)'));
    return;
  }
  if (later.status !== 'done') return;
  // The write succeeded: confirm even if the modal can no longer be updated (the user closed it).
  await client.views
    .update({ view_id: viewId, view: plan.doneView(later.result) })
    .catch((e) => deps.logger.warn({ err: e }, 'could not show the result in the modal (closed?)'));
  await safely(deps, () => plan.onSuccess(later.result, { replayed: later.replayed }));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function safely(deps: Deps, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.logger.error({ err }, 'confirmation after a successful write failed');
  }
}
