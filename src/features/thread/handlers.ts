import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { openForm, parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { contactNameFromOption } from '../contacts/picker-view.js';
import { decodeThreadMeta, type ThreadModalMeta, type ThreadTarget, threadFormSchema } from './schema.js';
import {
  earlierLogOf,
  type LogThreadInput,
  logThread,
  prepareThread,
  previewOf,
  slackReadWords,
  threadFailureCause,
  threadFailureWords,
} from './use-case.js';
import {
  buildThreadDoneModal,
  buildThreadLoadingModal,
  buildThreadLoggedMessage,
  buildThreadModal,
  buildThreadSavingModal,
  buildThreadUnavailableModal,
  threadLoggedSummary,
} from './views.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * "Log thread to CRM" on any message of a thread (the parent or a reply): open at once (a trigger_id
 * lives 3 s), then read the whole thread (paged) and fill the form with a preview, asking first when
 * the thread was logged before.
 */
export function logThreadCallback(deps: Deps) {
  return async ({ ack, shortcut, body, client }: ShortcutArgs): Promise<void> => {
    await ack();
    const msg = shortcut.message as { ts: string; thread_ts?: string };
    const actor = actorOfBody(body);
    const base: ThreadModalMeta = {
      channel: shortcut.channel.id,
      channelName: shortcut.channel.name,
      threadTs: msg.thread_ts ?? msg.ts,
    };
    try {
      await openForm({
        client,
        logger: deps.logger,
        triggerId: shortcut.trigger_id,
        loading: buildThreadLoadingModal(base),
        unavailable: buildThreadUnavailableModal,
        fill: async () => {
          const permalink = await client.chat
            .getPermalink({ channel: base.channel, message_ts: base.threadTs })
            .then((r) => r.permalink)
            .catch(() => undefined);
          const read = await Promise.all([
            prepareThread(
              deps,
              client,
              actor,
              { channel: base.channel, threadTs: base.threadTs },
              {
                ...base,
                permalink,
              },
            ),
            earlierLogOf(deps, actor.teamId, base.channel, base.threadTs),
          ]).catch((err: unknown) => {
            const words = slackReadWords(err, base);
            if (!words) throw err;
            deps.logger.warn({ err }, 'could not read the thread');
            return words;
          });
          if (typeof read === 'string')
            return buildThreadUnavailableModal(read.charAt(0).toUpperCase() + read.slice(1));
          const [prepared, earlier] = read;
          const meta = { ...base, permalink, latestTs: prepared.read.latestTs, asked: earlier !== undefined };
          return buildThreadModal({ meta, preview: previewOf(prepared), earlier });
        },
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log thread modal');
    }
  };
}

/** Which input a failure belongs to: a refused contact or deal under its picker, else under Contact. */
function threadErrorBlock(target: ThreadTarget | undefined) {
  return (err: unknown): string => {
    const cause = threadFailureCause(err);
    if (isAgileError(cause) && cause.kind === 'invalid' && /deal/i.test(cause.reason ?? ''))
      return BLOCK.deal;
    return target?.kind === 'deal' ? BLOCK.deal : BLOCK.contact;
  };
}

/**
 * Log thread submitted: one contact or one deal; a thread logged before needs "Log it again"
 * ticked; then each note is written once, in order, and the user told privately.
 */
export function threadSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client } = args;
    const state = readState(view.state.values);
    const contact = state.selected(BLOCK.contact, ACTION.contactPicker);
    const deal = state.selected(BLOCK.deal, ACTION.dealPicker);
    const form = parseForm(threadFormSchema, { contact: contact?.value, deal: deal?.value });
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const meta = decodeThreadMeta(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: 'errors',
        errors: {
          [BLOCK.contact]: 'This form lost track of its thread — close it and use the shortcut again',
        },
      });
      return;
    }
    const actor = actorOfBody(body);
    const confirmed = state.selectedMany(BLOCK.logAgain, ACTION.logAgain).length > 0;
    const earlier = await earlierLogOf(deps, actor.teamId, meta.channel, meta.threadTs);
    // Logged by this very form: a repeated submission, which runOnce answers without writing again.
    const repeat = earlier?.viewId === body.view.id;
    if (earlier && !confirmed && !repeat) {
      const asked = meta.asked === true;
      const errors: Record<string, string> = asked
        ? { [BLOCK.logAgain]: 'Tick this to log the thread again, or cancel' }
        : {
            [BLOCK.contact]: `This thread was just logged to ${earlier.targetName}. Close this and use the shortcut again to log it again.`,
          };
      await ack({ response_action: 'errors', errors });
      return;
    }
    const target: ThreadTarget = contact
      ? { kind: 'contact', id: contact.value, name: contactNameFromOption(contact.text) }
      : { kind: 'deal', id: deal?.value ?? '', name: (deal?.text ?? '').split(' · ')[0] ?? '' };

    const input: LogThreadInput = { ...actor, viewId: body.view.id, meta, target };
    await submitForm(args, deps, {
      write: () => logThread(deps, client, input),
      onSuccess: async (result, { replayed }) => {
        if (replayed) return;
        await notifyUser(
          client,
          deps.logger,
          { user: actor.userId, channel: meta.channel, threadTs: meta.threadTs },
          buildThreadLoggedMessage(result),
        );
      },
      errorBlock: threadErrorBlock(target),
      errorMessage: (err) => threadErrorWords(err, meta, 'submit'),
      dmErrorMessage: (err) => threadErrorWords(err, meta, 'retry'),
      savingView: buildThreadSavingModal,
      doneView: buildThreadDoneModal,
      // The thread is not read again: the form comes back with the error and, if asked before, the question.
      failedView: (error) => buildThreadModal({ meta, error, earlier: meta.asked ? earlier : undefined }),
      retry: {
        kind: THREAD_FORM_RETRY,
        input,
        what: `Your thread log to ${target.name}`,
        // Nothing typed to give back: the thread itself stays in Slack.
        typed: '',
      },
    });
  };
}

/** A failed log in words: what was written and what failed, why Slack refused the thread, or the CRM's error. */
function threadErrorWords(err: unknown, meta: ThreadModalMeta, again: 'submit' | 'retry'): string {
  return (
    threadFailureWords(err, again) ??
    slackReadWords(threadFailureCause(err), meta) ??
    describeAgileError(threadFailureCause(err))
  );
}

export const THREAD_FORM_RETRY = 'thread.form';

/**
 * Retry from the failure DM: the same input, so the same keys (thread.submit per view, thread.part
 * per note): the notes already written are not written again, only the rest. The thread is read
 * again up to the newest message the form showed. A thread Slack no longer lets the app read is
 * refused with why (the Retry goes: the shortcut can be used again once it is fixed).
 */
export async function retryThreadForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const input = stored as LogThreadInput;
  try {
    const outcome = await logThread(deps, deps.slackClient, input);
    if (outcome.status === 'in_progress') return outcome;
    return { status: 'done', summary: threadLoggedSummary(outcome.result) };
  } catch (err) {
    const slack = slackReadWords(threadFailureCause(err), input.meta);
    if (slack) return { status: 'refused', reason: slack };
    throw threadFailureCause(err);
  }
}
