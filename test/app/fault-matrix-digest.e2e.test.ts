// The fault matrix, digest buttons on a posted digest (the faults and checks: fault-matrix-kit.ts).
// Any member may Complete/Snooze here (the workspace setting) and the clicker is an admin (Reassign):
// the first request to Agile is the task update. A failure notice names the task by its subject.

import { nextId } from '../../src/devkit/sandbox/state.js';
import { buildDigestItem, type DigestTask } from '../../src/features/digest/digest-model.js';
import {
  buildDigestItemBlocks,
  digestTaskActionsBlockId,
  encodeDigestTaskValue,
} from '../../src/features/digest/views.js';
import { ACTION } from '../../src/platform/slack/ids.js';
import { DEFAULT_USERS } from '../helpers/fake-slack.js';
import { blockActionsPayload, CHANNEL } from '../helpers/payloads.js';
import { SANDBOX_RAJ as RAJ } from '../helpers/sandbox-users.js';
import { TEST_BOT_TOKEN } from '../helpers/test-bot.js';
import { useTestBot } from '../helpers/use-test-bot.js';
import { describeMatrix, MATRIX_AGILE_OPTIONS, matrixKit, type Surface } from './fault-matrix-kit.js';

const ZONE = 'America/New_York';
const DAY_SEC = 86_400;

const t = useTestBot({
  users: [...DEFAULT_USERS, RAJ],
  agileOptions: MATRIX_AGILE_OPTIONS,
  scheduler: { enabled: false },
  workspace: { settings: { anyMemberCompletesTasks: true } },
});
const { sim, said } = matrixKit(t);

interface Posted {
  taskId: string;
  ts: string;
  blocks: unknown[];
  dueEpochSec: number;
  ownerId: string;
}

/** A task of its own per cell (due in two days, not Raj's), posted as a digest item in the channel. */
async function postDigestItem(token: string): Promise<string> {
  const state = sim().state;
  const raj = state.users.find((u) => u.email === RAJ.email);
  const model = state.tasks.find((x) => x.ownerId !== raj?.id) ?? state.tasks[0];
  if (!model) throw new Error('no task to copy');
  const id = nextId(state);
  const dueEpochSec = Math.floor(Date.now() / 1000) + 2 * DAY_SEC;
  const subject = `Matrix task ${token}`;
  state.tasks.push({ ...model, id, subject, dueEpochSec, isComplete: false, status: 'YET_TO_START' });
  const task: DigestTask = { id, subject, type: 'CALL', priority: 'HIGH', dueEpochSec, ownerName: 'Owner' };
  const blocks = buildDigestItemBlocks(
    buildDigestItem(task, { now: new Date(), timeZone: ZONE, horizonDays: 7 }),
    ZONE,
    new Map(),
  );
  const res = await fetch(`${t.slack.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: CHANNEL.id, text: 'CRM digest', blocks }),
  });
  const { ts } = (await res.json()) as { ts: string };
  return JSON.stringify({ taskId: id, ts, blocks, dueEpochSec, ownerId: model.ownerId } satisfies Posted);
}

async function click(opened: string, actionId: string): Promise<string> {
  const p = JSON.parse(opened) as Posted;
  const from = t.slack.log.length;
  const reassign = actionId === ACTION.digestReassign;
  await t.interact(
    blockActionsPayload({
      actionId,
      blockId: digestTaskActionsBlockId(p.taskId),
      ...(reassign
        ? { action: { type: 'users_select', selected_user: RAJ.id, value: undefined } }
        : { value: encodeDigestTaskValue({ taskId: p.taskId, dueEpochSec: p.dueEpochSec }) }),
      message: { ts: p.ts, text: 'CRM digest', blocks: p.blocks },
    }),
  );
  // The answer is an ephemeral notice (failure) or the digest message updated (success).
  for (let waited = 0; waited < 3000; waited += 20) {
    await t.idle();
    if (said(from) !== '') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return said(from);
}

const task = (opened: string) => {
  const p = JSON.parse(opened) as Posted;
  return { p, now: sim().state.tasks.find((x) => x.id === p.taskId) };
};

const write = { method: 'PUT', path: 'api/tasks/partial-update' };
const SURFACES: Surface[] = [
  {
    name: 'digest Complete',
    write,
    open: postDigestItem,
    act: (_token, opened) => click(opened, ACTION.digestComplete),
    count: (_token, opened) => (task(opened).now?.isComplete ? 1 : 0),
    success: /Completed by/,
  },
  {
    name: 'digest Snooze 1 day',
    write,
    open: postDigestItem,
    act: (_token, opened) => click(opened, ACTION.digestSnooze),
    // One day later once; two days later would be a snooze applied twice (counted as 2).
    count: (_token, opened) => {
      const { p, now } = task(opened);
      return Math.round(((now?.dueEpochSec ?? 0) - p.dueEpochSec) / DAY_SEC);
    },
    success: /Snoozed to/,
  },
  {
    name: 'digest Reassign',
    write,
    open: postDigestItem,
    act: (_token, opened) => click(opened, ACTION.digestReassign),
    count: (_token, opened) => {
      const raj = sim().state.users.find((u) => u.email === RAJ.email);
      return task(opened).now?.ownerId === raj?.id ? 1 : 0;
    },
    success: /Reassigned to/,
  },
];

describeMatrix(t, SURFACES);
