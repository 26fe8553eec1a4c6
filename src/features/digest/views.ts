import { TZDate } from '@date-fns/tz';
import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock, UsersSelect } from '@slack/types';
import { format } from 'date-fns';
import { TASK_TYPE_LABELS } from '../../platform/slack/format.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { DigestBucket, DigestItem, DigestModel, DigestTask } from './digest-model.js';

export type { SlackMessage };

export interface DigestMessages {
  /** The channel message: header, counts and the top items. */
  main: SlackMessage;
  /** Replies in the main message's thread, in order; each within Block Kit limits. */
  thread: SlackMessage[];
}

export interface DigestViewOptions {
  /** `<@U…>` by lower-cased Agile owner email, for owners who are Slack users (see resolveMentions). */
  mentions: ReadonlyMap<string, string>;
  /** Already mrkdwn-safe, e.g. from describeDigestSettings(); shown small under the counts. */
  scheduleLabel?: string;
  /** Items in the channel message; the rest go to the thread. Keeps the channel readable. */
  maxItemsInMain?: number;
  /** Budgets per message (defaults: Slack's 50 blocks, the 11,000-character summed text budget). */
  maxBlocks?: number;
  maxTextChars?: number;
  /** Thread replies at most; the last one then says how many tasks are not shown. */
  maxThreadMessages?: number;
}

/** What a button carries back in block_actions: the due the item showed, the base of Snooze (see snoozedDueEpochSec). */
export interface DigestTaskValue {
  taskId: string;
  dueEpochSec: number;
}

const DEFAULT_MAX_ITEMS_IN_MAIN = 10;
/** Thread replies per digest: beyond this the thread ends with "N more not shown" (10,000 tasks ≈ 400 replies). */
export const MAX_THREAD_MESSAGES = 40;
const SUBJECT_MAX = 300;
const NAME_MAX = 100;
const SNOOZE_LABEL = 'Snooze 1 day';

const BUCKET_TITLE: Record<DigestBucket, string> = {
  overdue: '🔴 Overdue',
  today: '🟡 Due today',
  upcoming: '🔵 Upcoming',
};

const PRIORITY_WORDS: Record<string, string> = {
  HIGH: '❗ High priority',
  NORMAL: 'Normal priority',
  LOW: 'Low priority',
};

function safe(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

/** `FOLLOW_UP` → `Follow-up`; an unknown type is shown as words, escaped. */
export function taskTypeInWords(type: string): string {
  const known = (TASK_TYPE_LABELS as Readonly<Record<string, string | undefined>>)[type.toUpperCase()];
  if (known) return known;
  const words = type.replace(/_/g, ' ').toLowerCase();
  return safe(words.charAt(0).toUpperCase() + words.slice(1), 40) || 'Task';
}

function priorityInWords(priority: string): string {
  return PRIORITY_WORDS[priority.toUpperCase()] ?? `${safe(priority.toLowerCase(), 20)} priority`;
}

/** Due time in the schedule's zone, e.g. `Thu 15 Jan, 09:00`. */
export function formatDue(epochSec: number, timeZone: string): string {
  return format(new TZDate(epochSec * 1000, timeZone), 'EEE d MMM, HH:mm');
}

function formatLocalDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return format(new TZDate(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1), 'UTC'), 'EEEE d MMMM');
}

function ownerLabel(name: string, email: string | undefined, mentions: ReadonlyMap<string, string>): string {
  return (email && mentions.get(email.toLowerCase())) || `*${safe(name || 'No owner', NAME_MAX)}*`;
}

export function encodeDigestTaskValue(value: DigestTaskValue): string {
  return JSON.stringify({ id: value.taskId, due: value.dueEpochSec });
}

/** Never throws: undefined for anything that is not a value this builder wrote. */
export function parseDigestTaskValue(value: unknown): DigestTaskValue | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { id, due } = parsed as { id?: unknown; due?: unknown };
    if (typeof id !== 'string' || id === '' || typeof due !== 'number' || !Number.isFinite(due))
      return undefined;
    return { taskId: id, dueEpochSec: due };
  } catch {
    return undefined;
  }
}

export function digestTaskBlockId(taskId: string): string {
  return `${BLOCK.digestTaskPrefix}${taskId}`;
}

export function digestTaskActionsBlockId(taskId: string): string {
  return `${BLOCK.digestTaskActionsPrefix}${taskId}`;
}

/** The task id of a digest item's actions block (block_actions `actions[0].block_id`), else undefined. */
export function taskIdFromDigestBlockId(blockId: unknown): string | undefined {
  if (typeof blockId !== 'string') return undefined;
  for (const prefix of [BLOCK.digestTaskActionsPrefix, BLOCK.digestTaskPrefix]) {
    if (blockId.startsWith(prefix) && blockId.length > prefix.length) return blockId.slice(prefix.length);
  }
  return undefined;
}

/**
 * The task's subject as a digest message shows it (its section's first line, unescaped), so a failure
 * notice can name the task the user clicked; undefined when the message does not hold it.
 */
export function digestSubjectOf(blocks: readonly unknown[] | undefined, taskId: string): string | undefined {
  const id = truncate(digestTaskBlockId(taskId), LIMITS.id);
  const section = (blocks ?? []).find(
    (b): b is { text?: { text?: unknown } } =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === id,
  );
  const text = section?.text?.text;
  if (typeof text !== 'string') return undefined;
  const line = (text.split('\n')[0] ?? '').replace(/^[*~]|[*~]$/g, '').trim();
  const subject = line.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return subject || undefined;
}

function outcomeLine(task: DigestTask, timeZone: string, mentions: ReadonlyMap<string, string>) {
  if (task.completedBy) return `✅ Completed by <@${task.completedBy}>`;
  if (task.snoozedBy) return `💤 Snoozed to ${formatDue(task.dueEpochSec, timeZone)} by <@${task.snoozedBy}>`;
  if (task.reassignedTo) {
    const to = ownerLabel(task.reassignedTo.ownerName, task.reassignedTo.ownerEmail, mentions);
    return `↪️ Reassigned to ${to} by <@${task.reassignedTo.byUserId}>`;
  }
  return undefined;
}

/**
 * The two blocks of one digest item: a section (subject and details) and either the action row
 * (Complete, Snooze 1 day, Reassign) or, once handled, a context line saying who did what.
 */
export function buildDigestItemBlocks(
  item: DigestItem,
  timeZone: string,
  mentions: ReadonlyMap<string, string>,
): KnownBlock[] {
  const { task } = item;
  const subject = safe(task.subject.trim() || '(no subject)', SUBJECT_MAX);
  const details = [
    taskTypeInWords(task.type),
    priorityInWords(task.priority),
    `due ${formatDue(task.dueEpochSec, timeZone)}`,
  ];
  if (task.contactName?.trim()) details.push(`👤 ${safe(task.contactName.trim(), NAME_MAX)}`);
  if (item.bucket === 'overdue' && item.lateLabel) details.push(`*${item.lateLabel}*`);
  const outcome = outcomeLine(task, timeZone, mentions);
  const section: SectionBlock = {
    type: 'section',
    block_id: truncate(digestTaskBlockId(task.id), LIMITS.id),
    text: mrkdwnText(`${task.completedBy ? `~${subject}~` : `*${subject}*`}\n${details.join(' · ')}`),
  };
  const actionsBlockId = truncate(digestTaskActionsBlockId(task.id), LIMITS.id);
  if (outcome) {
    const context: ContextBlock = {
      type: 'context',
      block_id: actionsBlockId,
      elements: [mrkdwnText(outcome)],
    };
    return [section, context];
  }
  const value = encodeDigestTaskValue({ taskId: task.id, dueEpochSec: task.dueEpochSec });
  if (value.length > LIMITS.buttonValue) return [section];
  const complete: Button = {
    type: 'button',
    action_id: ACTION.digestComplete,
    text: plainText('Complete', LIMITS.buttonText),
    style: 'primary',
    value,
  };
  const snooze: Button = {
    type: 'button',
    action_id: ACTION.digestSnooze,
    text: plainText(SNOOZE_LABEL, LIMITS.buttonText),
    value,
  };
  const reassign: UsersSelect = {
    type: 'users_select',
    action_id: ACTION.digestReassign,
    placeholder: plainText('Reassign…', LIMITS.placeholder),
  };
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: actionsBlockId,
    elements: [complete, snooze, reassign],
  };
  return [section, actions];
}

/** Summed characters of every text object, as Slack counts toward msg_blocks_too_long. */
function textChars(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, n) => sum + textChars(n), 0);
  if (typeof node !== 'object' || node === null) return 0;
  const obj = node as Record<string, unknown>;
  let sum = 0;
  if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string')
    sum += obj.text.length;
  for (const [key, value] of Object.entries(obj)) {
    if (key !== 'text' || typeof value === 'object') sum += textChars(value);
  }
  return sum;
}

interface Unit {
  item: DigestItem;
  bucket: DigestBucket;
  bucketCount: number;
  groupKey: string;
  ownerLine: string;
  ownerCount: number;
  blocks: KnownBlock[];
  chars: number;
}

function headingBlock(unit: Unit, withBucket: boolean, continued: boolean): SectionBlock {
  const lines: string[] = [];
  if (withBucket)
    lines.push(`*${BUCKET_TITLE[unit.bucket]} (${unit.bucketCount})${continued ? ' — continued' : ''}*`);
  lines.push(`${unit.ownerLine} · ${unit.ownerCount} task${unit.ownerCount === 1 ? '' : 's'}`);
  return { type: 'section', text: mrkdwnText(lines.join('\n')) };
}

interface Page {
  blocks: KnownBlock[];
  items: number;
}

interface Budget {
  blocks: number;
  chars: number;
  items: number;
}

/**
 * Greedy packing of items, each preceded by a bucket/owner heading when its group starts on the page,
 * into pages within the block, text and item budgets (the first page has its own).
 */
function paginate(units: Unit[], first: Budget, rest: Budget): Page[] {
  const pages: Page[] = [];
  const bucketsStarted = new Set<DigestBucket>();
  let page: Page | undefined;
  let blocks = 0;
  let chars = 0;
  let lastBucket: DigestBucket | undefined;
  let lastGroup: string | undefined;

  for (const unit of units) {
    for (;;) {
      if (!page) {
        page = { blocks: [], items: 0 };
        pages.push(page);
        blocks = 0;
        chars = 0;
        lastBucket = undefined;
        lastGroup = undefined;
      }
      const budget = pages.length === 1 ? first : rest;
      const withBucket = unit.bucket !== lastBucket;
      const heading =
        withBucket || unit.groupKey !== lastGroup
          ? headingBlock(unit, withBucket, withBucket && bucketsStarted.has(unit.bucket))
          : undefined;
      const addBlocks = unit.blocks.length + (heading ? 1 : 0);
      const addChars = unit.chars + (heading ? textChars(heading) : 0);
      const fits =
        blocks + addBlocks <= budget.blocks && chars + addChars <= budget.chars && page.items < budget.items;
      if (!fits && page.items > 0) {
        page = undefined;
        continue;
      }
      if (heading) page.blocks.push(heading);
      page.blocks.push(...unit.blocks);
      page.items++;
      blocks += addBlocks;
      chars += addChars;
      lastBucket = unit.bucket;
      lastGroup = unit.groupKey;
      bucketsStarted.add(unit.bucket);
      break;
    }
  }
  return pages;
}

function countsLine(model: DigestModel): string {
  const { overdue, today, upcoming } = model.counts;
  const days = `${model.horizonDays} day${model.horizonDays === 1 ? '' : 's'}`;
  return `*${overdue}* overdue · *${today}* due today · *${upcoming}* upcoming (next ${days})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The digest as Slack messages: the channel message (header, counts, the top items) and thread replies
 * for the rest, each within Block Kit limits, overdue first, then today, then upcoming, grouped by owner.
 */
export function buildDigestMessages(model: DigestModel, options: DigestViewOptions): DigestMessages {
  const maxBlocks = Math.min(options.maxBlocks ?? LIMITS.messageBlocks, LIMITS.messageBlocks);
  const maxChars = Math.min(options.maxTextChars ?? LIMITS.messageBlockText, LIMITS.messageBlockText);
  const title = `CRM tasks for ${formatLocalDate(model.localDate)}`;
  const header: KnownBlock = { type: 'header', text: plainText(`📋 ${title}`, LIMITS.headerText) };
  const footnote = [`Times in ${escapeMrkdwn(model.timeZone)}`];
  if (options.scheduleLabel) footnote.unshift(options.scheduleLabel);
  const context: ContextBlock = { type: 'context', elements: [mrkdwnText(footnote.join(' · '))] };

  if (model.counts.total === 0) {
    const days = plural(model.horizonDays, 'day');
    const nothing: SectionBlock = {
      type: 'section',
      text: mrkdwnText(`✨ Nothing pending: no tasks overdue or due in the next ${days}.`),
    };
    return { main: { text: `${title}: nothing pending`, blocks: [header, nothing, context] }, thread: [] };
  }

  const units: Unit[] = [];
  for (const section of model.sections) {
    for (const group of section.groups) {
      const ownerLine = ownerLabel(group.ownerName, group.ownerEmail, options.mentions);
      for (const item of group.items) {
        const blocks = buildDigestItemBlocks(item, model.timeZone, options.mentions);
        units.push({
          item,
          bucket: section.bucket,
          bucketCount: section.count,
          groupKey: group.ownerKey,
          ownerLine,
          ownerCount: group.items.length,
          blocks,
          chars: textChars(blocks),
        });
      }
    }
  }

  const counts: SectionBlock = { type: 'section', text: mrkdwnText(countsLine(model)) };
  const mainFixed: KnownBlock[] = [header, counts, context];
  // Reserve room for the "N more in the thread" line and the "part i of n" line of thread replies.
  const moreReserve = { blocks: 1, chars: 80 };
  const pages = paginate(
    units,
    {
      blocks: maxBlocks - mainFixed.length - moreReserve.blocks,
      chars: maxChars - textChars(mainFixed) - moreReserve.chars,
      items: Math.max(1, options.maxItemsInMain ?? DEFAULT_MAX_ITEMS_IN_MAIN),
    },
    { blocks: maxBlocks - 1, chars: maxChars - moreReserve.chars, items: Number.POSITIVE_INFINITY },
  );

  const [first, ...rest] = pages;
  const mainBlocks = [...mainFixed, ...(first?.blocks ?? [])];
  const remaining = units.length - (first?.items ?? 0);
  if (remaining > 0) {
    mainBlocks.push({
      type: 'context',
      elements: [mrkdwnText(`🧵 *${remaining} more in the thread*`)],
    });
  }
  const { overdue, today, upcoming } = model.counts;
  const main: SlackMessage = {
    text: truncate(
      `${title}: ${overdue} overdue, ${today} due today, ${upcoming} upcoming`,
      LIMITS.fallbackText,
    ),
    blocks: mainBlocks,
  };
  const total = rest.length;
  // "part 1 of 1" says nothing: a lone reply is just "Continued".
  const thread = rest.map((page, i): SlackMessage => {
    const label = total === 1 ? 'Continued' : `Continued · part ${i + 1} of ${total}`;
    return {
      text: `${title} (${total === 1 ? 'continued' : `continued, ${i + 1} of ${total}`})`,
      blocks: [{ type: 'context', elements: [mrkdwnText(label)] }, ...page.blocks],
    };
  });
  const maxThread = Math.max(1, options.maxThreadMessages ?? MAX_THREAD_MESSAGES);
  if (thread.length <= maxThread) return { main, thread };
  const hidden = rest.slice(maxThread - 1).reduce((sum, page) => sum + page.items, 0);
  return { main, thread: [...thread.slice(0, maxThread - 1), buildThreadCutNotice(hidden)] };
}

/** A context line closing a thread cut at MAX_THREAD_MESSAGES. */
export function buildThreadCutNotice(hiddenItems: number): SlackMessage {
  const text = `…and ${hiddenItems} more task${hiddenItems === 1 ? '' : 's'} not shown here: see Agile CRM.`;
  return { text, blocks: [{ type: 'context', elements: [mrkdwnText(text)] }] };
}

export interface DigestItemUpdateOptions {
  timeZone: string;
  mentions: ReadonlyMap<string, string>;
}

/**
 * Re-renders one item of a posted digest message in place after a click: `blocks` are the message's
 * blocks as Slack sent them back (body.message.blocks), `item` the task with completedBy / snoozedBy /
 * reassignedTo set. The item's section and actions are swapped; everything else is kept as is.
 * `found` is false when the message does not hold that task (nothing changed).
 */
export function buildDigestItemUpdate(
  blocks: readonly KnownBlock[],
  item: DigestItem,
  options: DigestItemUpdateOptions,
): { blocks: KnownBlock[]; found: boolean } {
  const [section, second] = buildDigestItemBlocks(item, options.timeZone, options.mentions);
  const sectionId = section?.block_id;
  const actionsId = truncate(digestTaskActionsBlockId(item.task.id), LIMITS.id);
  let found = false;
  const out: KnownBlock[] = [];
  for (const block of blocks) {
    if (section && block.block_id === sectionId) {
      found = true;
      out.push(section);
      // An item posted without an action row (value too long) gets its outcome line right after it.
      if (second && !blocks.some((b) => b.block_id === actionsId)) out.push(second);
    } else if (block.block_id === actionsId) {
      if (second) out.push(second);
    } else {
      out.push(block);
    }
  }
  return { blocks: out, found };
}

/**
 * Re-renders every handled item of a posted digest message (see buildDigestItemUpdate); undefined when
 * the message holds none of them.
 */
export function buildDigestMessageUpdate(
  blocks: readonly KnownBlock[],
  items: readonly DigestItem[],
  options: DigestItemUpdateOptions,
): KnownBlock[] | undefined {
  let current = [...blocks];
  let changed = false;
  for (const item of items) {
    const update = buildDigestItemUpdate(current, item, options);
    if (update.found) {
      current = update.blocks;
      changed = true;
    }
  }
  return changed ? current : undefined;
}
