import type {
  ActionsBlock,
  Button,
  Checkboxes,
  ContextBlock,
  ExternalSelect,
  HomeView,
  KnownBlock,
  ModalView,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
  UsersSelect,
} from '@slack/types';
import { formatDealValue } from '../../platform/slack/format.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildModalShell, buildStatusModal, inputBlock } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { IdentitySource } from '../../platform/workspace/identity.js';
import type { WorkspaceSettings } from '../../platform/workspace/settings.js';
import type { DigestTask } from '../digest/digest-model.js';
import { encodeDigestTaskValue, formatDue, taskTypeInWords } from '../digest/views.js';
import { buildMoveButton } from '../pipeline/views.js';
import { undoBlock } from '../undo/offer.js';
import type {
  AgileUserChoice,
  HomeAdminData,
  HomeData,
  HomeDeal,
  HomeDigest,
  MappingRow,
  MemberMapping,
} from './use-case.js';

/** Tasks and deals listed at most: each task is two blocks, and the Home tab holds 100. */
export const HOME_TASKS_MAX = 12;
export const HOME_DEALS_MAX = 12;
const NAME_MAX = 100;
const SUBJECT_MAX = 200;
const NO_OVERRIDE = 'none';
const USER_VALUE_PREFIX = 'user:';

/** The admin settings as App Home shows them, in order. */
export const SETTING_CHOICES: { key: keyof WorkspaceSettings; label: string; description: string }[] = [
  {
    key: 'anyMemberCompletesTasks',
    label: 'Any member completes tasks',
    description: 'Digest Complete / Snooze by anyone, not only the owner',
  },
  { key: 'guestsAllowed', label: 'Guests may use the bot', description: 'Single- and multi-channel guests' },
  {
    key: 'externalChannelsAllowed',
    label: 'Share into external channels',
    description: 'Cards in channels shared with other organisations',
  },
];

const SOURCE_WORDS: Record<IdentitySource, string> = {
  override: 'set by an admin',
  personal: 'your Agile connection',
  slack: 'your Slack email',
};

function safe(text: string, max = NAME_MAX): string {
  return truncate(escapeMrkdwn(text), max);
}

const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwnText(text) });
const context = (text: string): ContextBlock => ({ type: 'context', elements: [mrkdwnText(text)] });
const header = (text: string): KnownBlock => ({ type: 'header', text: plainText(text, LIMITS.headerText) });
const divider: KnownBlock = { type: 'divider' };

function button(actionId: string, text: string, value?: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text, LIMITS.buttonText),
    ...(value === undefined ? {} : { value }),
    ...(style ? { style } : {}),
  };
}

function connectionBlocks(data: HomeData): KnownBlock[] {
  const { workspace, personal } = data.connection;
  const lines: string[] = [];
  if (workspace) {
    const domain = workspace.domain ?? data.agileDomain;
    const where = domain ? ` to *${safe(domain)}*` : '';
    lines.push(`*Workspace:* connected${where} as ${safe(workspace.email)}`);
  } else {
    lines.push(
      `*Workspace:* not connected to Agile CRM yet.${data.isAdmin ? '' : ' A workspace admin can connect it.'}`,
    );
  }
  lines.push(
    personal
      ? `*You:* connected as ${safe(personal.email)}: your CRM changes are made as you.`
      : '*You:* not connected. Connect your own Agile account so your CRM changes are made as you.',
  );
  if (data.identity) {
    lines.push(`Your Agile user: ${safe(data.identity.email)} (${SOURCE_WORDS[data.identity.source]})`);
  }
  const buttons: Button[] = [];
  if (data.isAdmin) {
    buttons.push(
      workspace
        ? button(ACTION.disconnectWorkspace, 'Disconnect workspace', undefined, 'danger')
        : button(ACTION.connectWorkspace, 'Connect workspace', undefined, 'primary'),
    );
  }
  buttons.push(
    personal
      ? button(ACTION.disconnectMe, 'Disconnect my account')
      : button(ACTION.connectMe, 'Connect my Agile account'),
  );
  const actions: ActionsBlock = { type: 'actions', block_id: 'home_connection', elements: buttons };
  return [section(lines.join('\n')), actions];
}

function taskBlocks(task: DigestTask, timeZone: string, nowEpochSec: number): KnownBlock[] {
  const overdue = task.dueEpochSec > 0 && task.dueEpochSec < nowEpochSec;
  const due = task.dueEpochSec > 0 ? `Due ${formatDue(task.dueEpochSec, timeZone)}` : 'No due date';
  const facts = [
    overdue ? `🔴 ${due} (overdue)` : due,
    taskTypeInWords(task.type),
    ...(task.priority === 'HIGH' ? ['❗ High priority'] : []),
    ...(task.contactName ? [safe(task.contactName)] : []),
  ];
  const value = encodeDigestTaskValue({ taskId: task.id, dueEpochSec: task.dueEpochSec });
  return [
    section(`*${safe(task.subject || 'Untitled task', SUBJECT_MAX)}*\n${facts.join(' · ')}`),
    {
      type: 'actions',
      block_id: truncate(`home_task:${task.id}`, LIMITS.id),
      elements: [
        button(ACTION.homeTaskComplete, 'Complete', value, 'primary'),
        button(ACTION.homeTaskSnooze, 'Snooze 1 day', value),
      ],
    },
  ];
}

function tasksBlocks(data: HomeData, nowEpochSec: number): KnownBlock[] {
  const blocks: KnownBlock[] = [header('My open tasks')];
  const agile = data.agile;
  switch (agile.kind) {
    case 'not_connected':
      blocks.push(section('Agile CRM is not connected yet, so there are no tasks to show.'));
      return blocks;
    case 'no_email':
      blocks.push(
        section(
          'I do not know your Agile user: your Slack profile has no email. Connect your Agile account, or ask an admin to map you.',
        ),
      );
      return blocks;
    case 'failed':
      blocks.push(section(`⚠️ Could not load your tasks from Agile (${safe(agile.error, 500)}).`));
      return blocks;
    case 'loaded':
      break;
  }
  if (!agile.data.owner) {
    const email = data.identity ? ` (${safe(data.identity.email)})` : '';
    blocks.push(section(`No Agile user has your email${email}. Ask an admin to map you to your Agile user.`));
    return blocks;
  }
  const { tasks } = agile.data;
  if (tasks.length === 0) {
    blocks.push(section('No open tasks. 🎉'));
    return blocks;
  }
  for (const task of tasks.slice(0, HOME_TASKS_MAX))
    blocks.push(...taskBlocks(task, data.timeZone, nowEpochSec));
  if (tasks.length > HOME_TASKS_MAX) {
    blocks.push(context(`${tasks.length - HOME_TASKS_MAX} more open tasks in Agile CRM, due later.`));
  }
  return blocks;
}

function dealLine(deal: HomeDeal): SectionBlock {
  const value = deal.value === undefined ? '' : ` · ${formatDealValue(deal.value)}`;
  return { ...section(`*${safe(deal.name)}*${value}`), accessory: buildMoveButton(deal.id) };
}

function dealsBlocks(data: HomeData): KnownBlock[] {
  if (data.agile.kind !== 'loaded' || !data.agile.data.owner) return [];
  const blocks: KnownBlock[] = [header('My open deals')];
  const { deals } = data.agile.data;
  if (deals.length === 0) {
    blocks.push(section('No open deals.'));
    return blocks;
  }
  const shown = deals.slice(0, HOME_DEALS_MAX);
  const byMilestone = new Map<string, HomeDeal[]>();
  for (const d of shown) byMilestone.set(d.milestone, [...(byMilestone.get(d.milestone) ?? []), d]);
  for (const [milestone, list] of byMilestone) {
    blocks.push(context(`*${safe(milestone)}* (${list.length})`));
    for (const d of list) blocks.push(dealLine(d));
  }
  if (deals.length > shown.length)
    blocks.push(context(`${deals.length - shown.length} more open deals in Agile CRM.`));
  return blocks;
}

function digestLine(d: HomeDigest): string {
  const where = d.label ? safe(d.label) : `<#${d.channelId}>`;
  const days = d.weekdaysOnly ? 'weekdays' : 'daily';
  return `• ${where}: ${days} at ${d.time} (${safe(d.timeZone)}), tasks due within ${d.horizonDays} days`;
}

function digestsBlocks(data: HomeData): KnownBlock[] {
  const text =
    data.digests.length === 0
      ? 'None of your channels has a digest. Type `/crm digest on` in a channel to start one.'
      : data.digests.map(digestLine).join('\n');
  return [header('Digests in my channels'), section(text)];
}

function settingsBlocks(admin: HomeAdminData): KnownBlock[] {
  const options: PlainTextOption[] = SETTING_CHOICES.map((c) => ({
    text: plainText(c.label, LIMITS.optionText),
    description: plainText(c.description, LIMITS.optionDescription),
    value: c.key,
  }));
  const selected = options.filter((o) => admin.settings[o.value as keyof WorkspaceSettings]);
  const checkboxes: Checkboxes = {
    type: 'checkboxes',
    action_id: ACTION.homeSettings,
    options,
    ...(selected.length > 0 ? { initial_options: selected } : {}),
  };
  return [
    header('Workspace settings (admins)'),
    { type: 'actions', block_id: 'home_settings', elements: [checkboxes] },
  ];
}

/** The value a mapping picker sends back: an Agile user id, or null for "No override". */
export function parseUserLinkValue(value: string | undefined): string | null | undefined {
  if (value === NO_OVERRIDE) return null;
  if (value?.startsWith(USER_VALUE_PREFIX) && value.length > USER_VALUE_PREFIX.length) {
    return value.slice(USER_VALUE_PREFIX.length);
  }
  return undefined;
}

/** The Slack user a mapping row is about, from its block id. */
export function slackUserOfLinkBlock(blockId: string | undefined): string | undefined {
  if (!blockId?.startsWith(BLOCK.homeUserLinkPrefix)) return undefined;
  return blockId.slice(BLOCK.homeUserLinkPrefix.length) || undefined;
}

/** Why a member maps to their Agile user, in a mapping row. */
const ROW_SOURCE_WORDS: Record<IdentitySource, string> = {
  override: 'override',
  personal: 'their Agile connection',
  slack: 'Slack email',
};

/** The Agile users fit one static select next to "No override" (Slack's 100 options). */
export function agileUsersFitStaticSelect(agileUsers: readonly unknown[]): boolean {
  return agileUsers.length <= LIMITS.selectOptions - 1;
}

const noOverrideOption = (): PlainTextOption => ({
  text: plainText('No override', LIMITS.optionText),
  value: NO_OVERRIDE,
});

/** One Agile user as a mapping picker option: "Name (email)", value `user:<id>`. */
export function agileUserOption(u: AgileUserChoice): PlainTextOption {
  return {
    text: plainText(`${u.name} (${u.email})`, LIMITS.optionText),
    value: truncate(`${USER_VALUE_PREFIX}${u.id}`, LIMITS.optionValue),
  };
}

function mappingRow(row: MappingRow, admin: HomeAdminData): SectionBlock {
  let matched: string;
  if (row.agileUser) {
    matched = `${safe(row.agileUser.name)} (${safe(row.agileUser.email)})`;
  } else if (row.identity) {
    matched = `no Agile user with ${safe(row.identity.email)}`;
  } else {
    matched = 'no email to match';
  }
  const source = row.identity ? ` · ${ROW_SOURCE_WORDS[row.identity.source]}` : '';
  const block = section(`*${safe(row.name)}* → ${matched}${source}`);
  if (admin.agileUsersError || admin.agileUsers.length === 0) return block;
  const blockId = truncate(`${BLOCK.homeUserLinkPrefix}${row.slackUserId}`, LIMITS.id);
  if (!agileUsersFitStaticSelect(admin.agileUsers)) {
    // Too many Agile users for a picker here: the member's mapping modal has the type-ahead.
    return {
      ...block,
      block_id: blockId,
      accessory: button(ACTION.homeMapMember, 'Change…', row.slackUserId),
    };
  }
  const noOverride = noOverrideOption();
  const options: PlainTextOption[] = [noOverride, ...admin.agileUsers.map(agileUserOption)];
  const current =
    row.identity?.source === 'override' && row.agileUser
      ? options.find((o) => o.value === `${USER_VALUE_PREFIX}${row.agileUser?.id}`)
      : noOverride;
  const select: StaticSelect = {
    type: 'static_select',
    action_id: ACTION.homeUserLink,
    placeholder: plainText('Agile user', LIMITS.placeholder),
    options,
    ...(current ? { initial_option: current } : {}),
  };
  return { ...block, block_id: blockId, accessory: select };
}

function summaryLine(admin: HomeAdminData): string {
  const { summary } = admin;
  const parts = [
    `${summary.members} member${summary.members === 1 ? '' : 's'}`,
    `${summary.override} by override`,
    `${summary.personal} by their Agile connection`,
    `${summary.slack} by Slack email`,
  ];
  // Without the Agile users nobody can be said to match one.
  if (!admin.agileUsersError) parts.push(`${summary.unmatched} without an Agile user`);
  return parts.join(' · ');
}

function mappingBlocks(admin: HomeAdminData): KnownBlock[] {
  const picker: UsersSelect = {
    type: 'users_select',
    action_id: ACTION.homeMapMember,
    placeholder: plainText('Map a member…', LIMITS.placeholder),
  };
  const blocks: KnownBlock[] = [
    header('Slack ↔ Agile users (admins)'),
    context(
      'Each member is matched to an Agile user by an admin’s override, else their own Agile connection, else their Slack email. Pick any member below to see why and override the match.',
    ),
    // Before the list: the Home tab's 100-block cut never drops it.
    { type: 'actions', block_id: BLOCK.homeMapMember, elements: [picker] },
    context(summaryLine(admin)),
  ];
  if (admin.agileUsersError) {
    blocks.push(context(`⚠️ Could not load the Agile users (${safe(admin.agileUsersError, 500)}).`));
  }
  for (const row of admin.rows) blocks.push(mappingRow(row, admin));
  if (admin.moreMembers > 0) {
    blocks.push(context(`${admin.moreMembers} more members not listed: use *Map a member…* above.`));
  }
  return blocks;
}

/** The mapping modal's private_metadata: the member it is about. */
export function encodeMapMemberMetadata(slackUserId: string): string {
  return JSON.stringify({ member: slackUserId });
}

export function decodeMapMemberMetadata(metadata: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(metadata ?? '') as { member?: unknown };
    return typeof parsed.member === 'string' && parsed.member !== '' ? parsed.member : undefined;
  } catch {
    return undefined;
  }
}

const MAP_MEMBER_TITLE = 'Map a member';

/** What the modal shows while the member's mapping is read. */
export function buildMapMemberLoadingModal(metadata: string): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.homeMapMemberModal,
    title: MAP_MEMBER_TITLE,
    metadata,
    text: 'Loading the member’s mapping…',
  });
}

/** The modal when the member's mapping could not be shown (not an admin, Slack or Agile failed). */
export function buildMapMemberUnavailableModal(metadata: string, message: string): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.homeMapMemberModal,
    title: MAP_MEMBER_TITLE,
    metadata,
    text: `⚠️ ${escapeMrkdwn(message)}`,
  });
}

export const MAPPING_ADMINS_ONLY = 'Only workspace admins and the installer can change the mapping.';

/** Why a member maps to their Agile user, in the mapping modal. */
const MEMBER_SOURCE_WORDS: Record<IdentitySource, string> = {
  override: 'an admin’s override',
  personal: 'their own Agile connection (`/crm connect me`)',
  slack: 'the email on their Slack profile',
};

/**
 * One member's mapping: their current match and why, and the override picker: a static select of
 * every Agile user when they fit (with "No override"), else an external select with type-ahead
 * (options from ACTION.homeMapAgileUser's options load).
 */
export function buildMapMemberModal(mapping: Extract<MemberMapping, { kind: 'loaded' }>): ModalView {
  const metadata = encodeMapMemberMetadata(mapping.member.id);
  const { identity, agileUser } = mapping;
  let matched: string;
  if (agileUser) matched = `${safe(agileUser.name)} (${safe(agileUser.email)})`;
  else if (identity && mapping.agileUsersError) matched = safe(identity.email);
  else if (identity) matched = `nobody: no Agile user has ${safe(identity.email)}`;
  else matched = 'nobody';
  const why = identity
    ? MEMBER_SOURCE_WORDS[identity.source]
    : 'no override, no Agile connection of their own and no email on their Slack profile';
  const blocks: KnownBlock[] = [
    section(`*${safe(mapping.member.name)}*\n*Matched to:* ${matched}\n*Why:* ${why}`),
    context(
      'The match is what “my task” means everywhere: an override wins over their own Agile connection, which wins over their Slack email.',
    ),
  ];
  if (mapping.agileUsersError || mapping.agileUsers.length === 0) {
    const reason = mapping.agileUsersError
      ? `Could not load the Agile users (${safe(mapping.agileUsersError, 500)}), so no override can be picked now.`
      : 'Agile names no users with an email, so there is nobody to pick.';
    blocks.push(section(`⚠️ ${reason}`));
    return buildModalShell({
      callbackId: CALLBACK.homeMapMemberModal,
      title: MAP_MEMBER_TITLE,
      close: 'Close',
      metadata,
      blocks,
    });
  }
  const noOverride = noOverrideOption();
  const current =
    identity?.source === 'override'
      ? agileUser
        ? agileUserOption(agileUser)
        : undefined // the override names an Agile user who is gone: nothing preselected
      : noOverride;
  const placeholder = plainText('Pick an Agile user', LIMITS.placeholder);
  let element: StaticSelect | ExternalSelect;
  if (agileUsersFitStaticSelect(mapping.agileUsers)) {
    element = {
      type: 'static_select',
      action_id: ACTION.homeMapAgileUser,
      placeholder,
      options: [noOverride, ...mapping.agileUsers.map(agileUserOption)],
      ...(current ? { initial_option: current } : {}),
    };
  } else {
    element = {
      type: 'external_select',
      action_id: ACTION.homeMapAgileUser,
      placeholder: plainText('Type a name or email', LIMITS.placeholder),
      min_query_length: 0,
      ...(current ? { initial_option: current } : {}),
    };
  }
  blocks.push(
    inputBlock(BLOCK.homeMapAgileUser, 'Agile user', element, {
      hint: plainText(
        'No override: matched by their own Agile connection, else their Slack email.',
        LIMITS.inputHint,
      ),
    }),
  );
  return buildModalShell({
    callbackId: CALLBACK.homeMapMemberModal,
    title: MAP_MEMBER_TITLE,
    submit: 'Save',
    metadata,
    blocks,
  });
}

/**
 * The type-ahead's options: "No override" first when the query is empty or names it, then the matching
 * Agile users; at most Slack's 100.
 */
export function buildAgileUserOptions(
  users: AgileUserChoice[],
  query: string,
): { options: PlainTextOption[] } {
  const q = query.trim().toLowerCase();
  const withNone = q === '' || 'no override'.includes(q);
  const options = [...(withNone ? [noOverrideOption()] : []), ...users.map(agileUserOption)];
  return { options: options.slice(0, LIMITS.selectOptions) };
}

/** The Home tab: connection, my tasks and deals, my channels' digests; settings and mapping for admins. */
export function buildHomeView(data: HomeData, now: Date, notice?: string, undoId?: string | null): HomeView {
  const nowEpochSec = Math.floor(now.getTime() / 1000);
  const blocks: KnownBlock[] = [
    header('Agile CRM'),
    // The answer to my last click here (App Home has no ephemeral messages); already mrkdwn-safe.
    ...(notice ? [section(notice)] : []),
    // The last change's Undo (features/undo), under its confirmation.
    ...(notice && undoId ? [undoBlock(undoId)] : []),
    ...connectionBlocks(data),
    divider,
    ...tasksBlocks(data, nowEpochSec),
  ];
  const deals = dealsBlocks(data);
  if (deals.length > 0) blocks.push(divider, ...deals);
  blocks.push(divider, ...digestsBlocks(data));
  if (data.admin) blocks.push(divider, ...settingsBlocks(data.admin), divider, ...mappingBlocks(data.admin));
  if (blocks.length > LIMITS.viewBlocks) {
    blocks.length = LIMITS.viewBlocks - 1;
    blocks.push(context('More is not shown here: the Home tab holds 100 blocks.'));
  }
  return { type: 'home', blocks };
}
