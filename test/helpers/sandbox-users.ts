import { DEFAULT_USERS, type FakeUser } from './fake-slack.js';
import { simulatorOf, type TestBot } from './test-bot.js';

/**
 * Slack users who are also users of the Agile sandbox (same emails, so "me" and owners resolve both
 * ways): Alice Moreno, a workspace admin, and Raj Patel, a member who owns tasks there.
 */
export const SANDBOX_ALICE = {
  id: 'U0ALICE',
  name: 'alice',
  realName: 'Alice Moreno',
  displayName: 'alice',
  email: 'alice.moreno@example.com',
  tz: 'Europe/Madrid',
  isAdmin: true,
} satisfies FakeUser;

export const SANDBOX_RAJ = {
  id: 'U0RAJ',
  name: 'raj',
  realName: 'Raj Patel',
  displayName: 'raj',
  email: 'raj.patel@example.com',
  tz: 'Asia/Kolkata',
} satisfies FakeUser;

/**
 * DEFAULT_USERS with the default user (Alice Archer) under the sandbox's Alice Moreno email, so her
 * "me" is an Agile user; Bob has no Agile account. `alice` overrides more of hers (e.g. tz).
 */
export function defaultUsersWithSandboxAlice(alice: Partial<FakeUser> = {}): FakeUser[] {
  const [first, ...rest] = DEFAULT_USERS;
  if (!first) throw new Error('DEFAULT_USERS starts with Alice');
  return [{ ...first, email: SANDBOX_ALICE.email, ...alice }, ...rest];
}

/**
 * The task's Agile owner as a Slack user of `t` (same email; id U0OWNER{ownerId}): only a task's owner
 * may Complete or Snooze it by default.
 */
export function taskOwnerUser(t: TestBot, taskId: string, tz: string): { id: string } {
  const state = simulatorOf(t).state;
  const ownerId = state.tasks.find((x) => x.id === taskId)?.ownerId;
  const email = state.users.find((u) => u.id === ownerId)?.email;
  if (!email) throw new Error(`task ${taskId} has no owner with an email`);
  const id = `U0OWNER${ownerId}`;
  t.slack.users.set(id, { id, name: 'owner', realName: 'Task Owner', displayName: 'owner', email, tz });
  return { id };
}
