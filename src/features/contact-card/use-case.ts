import type { Deps } from '../../app/deps.js';
import type { AgileClient, Contact, Deal, Note, Task } from '../../platform/agile/index.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';

/** Activity lines per kind on a card. */
export const ACTIVITY_LIMIT = { tasks: 3, deals: 3, notes: 2 } as const;

/** Milestones that close a deal (Sales: Won/Lost; Renewals: Renewed/Churned); compared case-insensitively. */
const CLOSED_MILESTONES = new Set(['won', 'lost', 'closed won', 'closed lost', 'renewed', 'churned']);

/** One part of a card's activity: the first items to show and how many there are, or unavailable. */
export type ActivityPart<T> = { ok: true; items: T[]; total: number } | { ok: false };

export interface ContactActivity {
  /** Open tasks, soonest due first. */
  tasks: ActivityPart<Task>;
  /** Deals not Won/Lost. */
  deals: ActivityPart<Deal>;
  /** Latest first. */
  notes: ActivityPart<Note>;
  /** When the activity was read: a task due before this is overdue. */
  asOfEpochSec: number;
}

/** What a contact card shows: the contact and what is going on with it. */
export interface ContactCardData {
  contact: Contact;
  activity: ContactActivity;
}

export function isOpenDeal(deal: Deal): boolean {
  return !CLOSED_MILESTONES.has((deal.milestone ?? '').trim().toLowerCase());
}

export function isOpenTask(task: Task): boolean {
  return task.is_complete !== true && task.status !== 'COMPLETED';
}

async function part<T>(load: () => Promise<T[]>, keep: (items: T[]) => T[], limit: number) {
  try {
    const kept = keep(await load());
    return { ok: true as const, items: kept.slice(0, limit), total: kept.length };
  } catch {
    return { ok: false as const };
  }
}

const dueOrLast = (t: Task) => t.due ?? Number.MAX_SAFE_INTEGER;

/**
 * Next open tasks, open deals and latest notes of one contact, fetched in parallel. A failing fetch
 * makes only its own part unavailable: the card is still worth showing.
 */
export async function fetchActivity(
  agile: AgileClient,
  contactId: string,
  now: () => Date,
): Promise<ContactActivity> {
  const asOfEpochSec = Math.floor(now().getTime() / 1000);
  const [tasks, deals, notes] = await Promise.all([
    part(
      () => agile.contacts.tasks(contactId),
      (items) => items.filter(isOpenTask).sort((a, b) => dueOrLast(a) - dueOrLast(b)),
      ACTIVITY_LIMIT.tasks,
    ),
    part(
      () => agile.contacts.deals(contactId),
      (items) => items.filter(isOpenDeal),
      ACTIVITY_LIMIT.deals,
    ),
    part(
      () => agile.contacts.notes(contactId),
      (items) => [...items].sort((a, b) => (b.created_time ?? 0) - (a.created_time ?? 0)),
      ACTIVITY_LIMIT.notes,
    ),
  ]);
  return { tasks, deals, notes, asOfEpochSec };
}

/** Card data for each contact, their activity fetched in parallel. */
export async function withActivity(
  agile: AgileClient,
  contacts: Contact[],
  now: () => Date,
): Promise<ContactCardData[]> {
  return Promise.all(
    contacts.map(async (contact) => ({ contact, activity: await fetchActivity(agile, contact.id, now) })),
  );
}

/** One contact's card data by id (Share in channel re-reads it so the shared card is current); null if gone. */
export async function loadContactCard(
  agile: AgileClient,
  contactId: string,
  now: () => Date,
): Promise<ContactCardData | null> {
  const contact = await agile.contacts.get(contactId);
  if (!contact) return null;
  return { contact, activity: await fetchActivity(agile, contact.id, now) };
}

/** Why a card could not be shared: the contact is gone, or a Slack error the user can act on. */
export type ShareRefusal =
  | 'contact_gone'
  | 'not_in_channel'
  | 'channel_not_found'
  | 'is_archived'
  | 'restricted_action';

const CHANNEL_REFUSALS = new Set<string>([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

export type ShareOutcome =
  | { kind: 'shared'; replayed: boolean }
  /** The same click is being shared by an earlier delivery, which answers. */
  | { kind: 'in_progress' }
  | { kind: 'refused'; reason: ShareRefusal };

/** Thrown inside the once-only work so the key is released: after an invite, Share works again. */
class ShareRefused extends Error {
  constructor(readonly reason: ShareRefusal) {
    super(reason);
  }
}

export interface ShareCardInput {
  teamId: string;
  userId: string;
  /** Where the card was clicked and is shared. */
  channel: string;
  /** The message holding the card: with the contact, it names the intent (a double click shares once). */
  messageTs: string;
  contactId: string;
}

/**
 * Share in channel: re-reads the contact so the shared card is current and posts it (`post` renders
 * and sends it), once per card message and contact.
 */
export async function shareContactCard(
  deps: Pick<Deps, 'agile' | 'store' | 'now'>,
  input: ShareCardInput,
  post: (card: ContactCardData) => Promise<void>,
): Promise<ShareOutcome> {
  const key = onceKey('card.share', input.teamId, input.channel, input.messageTs, input.contactId);
  try {
    const outcome = await runOnce(deps.store, key, async () => {
      const card = await loadContactCard(deps.agile, input.contactId, deps.now);
      if (!card) throw new ShareRefused('contact_gone');
      try {
        await post(card);
      } catch (err) {
        const code = (err as { data?: { error?: unknown } })?.data?.error;
        if (typeof code === 'string' && CHANNEL_REFUSALS.has(code))
          throw new ShareRefused(code as ShareRefusal);
        throw err;
      }
      return { shared: true };
    });
    return outcome.status === 'in_progress'
      ? { kind: 'in_progress' }
      : { kind: 'shared', replayed: outcome.replayed };
  } catch (err) {
    if (err instanceof ShareRefused) return { kind: 'refused', reason: err.reason };
    throw err;
  }
}
