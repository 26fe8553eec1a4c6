/**
 * Every Slack identifier the app uses: shared by builders, listeners, tests and manifest.yml.
 * Add to these objects; never write an id as a bare string elsewhere.
 */
export const COMMAND = {
  crm: '/crm',
} as const;

export const SHORTCUT = {
  logToCrm: 'log_to_crm',
  logThreadToCrm: 'log_thread_to_crm',
} as const;

/** Events API subscriptions (manifest.yml settings.event_subscriptions.bot_events). */
export const EVENT = {
  linkShared: 'link_shared',
  appHomeOpened: 'app_home_opened',
  /** OAuth mode: the app was removed from a workspace (its data is deleted) or its bot token revoked. */
  appUninstalled: 'app_uninstalled',
  tokensRevoked: 'tokens_revoked',
} as const;

/**
 * The bot scopes the app asks for (manifest.yml oauth_config.scopes.bot and the OAuth install URL):
 * one list, so an install by OAuth grants what the manifest declares.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'reactions:write',
  'files:write',
  'im:write',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'links:read',
  'links:write',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
] as const;

/** Modal callback_ids. */
export const CALLBACK = {
  noteModal: 'note_modal',
  taskModal: 'task_modal',
  dealModal: 'deal_modal',
  moveModal: 'move_modal',
  ticketModal: 'ticket_modal',
  /** The small modal a shortcut opens to say the user may not use the app (no submit). */
  accessRefusal: 'access_refusal',
  threadModal: 'thread_modal',
  /** `/crm connect [me]` and the Connect buttons: the Agile credentials form (its metadata says whose). */
  connectModal: 'connect_modal',
  /** The "Disconnect …?" confirmation (its metadata says whose). */
  disconnectModal: 'disconnect_modal',
  /** App Home (admins): one member's mapping (their current match and why, and the override); metadata names the member. */
  homeMapMemberModal: 'home_map_member_modal',
} as const;

export const ACTION = {
  /** External select (single or multi) of Agile contacts; options loaded by name or email. */
  contactPicker: 'contact_picker',
  /** Contact card buttons; the value is the contact id. */
  cardLogNote: 'card_log_note',
  cardCreateTask: 'card_create_task',
  cardCreateDeal: 'card_create_deal',
  cardShare: 'card_share',
  /** "Create this contact" offered when a lookup by email finds nobody; the value is the email. */
  createContact: 'create_contact',
  /** Move button on a deal (card, confirmation); the value is the deal id. */
  dealMove: 'deal_move',
  /** External select of deals (move modal). */
  dealPicker: 'deal_picker',
  /** Track select in the deal modal: changing it reloads the milestone choices. */
  trackSelect: 'track_select',
  milestoneSelect: 'milestone_select',
  /** Buttons asking which deal was meant when a name matched several. */
  dealDisambiguate: 'deal_disambiguate',
  /** External select of open tickets (reply modal). */
  ticketPicker: 'ticket_picker',
  /** Plain inputs, one action_id per block kind. */
  subjectInput: 'subject_input',
  noteInput: 'note_input',
  dueDate: 'due_date',
  dueTime: 'due_time',
  priority: 'priority',
  taskType: 'task_type',
  description: 'description',
  ownerSelect: 'owner_select',
  dealName: 'deal_name',
  dealValue: 'deal_value',
  probability: 'probability',
  closeDate: 'close_date',
  reason: 'reason',
  replyText: 'reply_text',
  visibility: 'visibility',
  /** "Log it again" checkbox of the Log thread form, shown when the thread was logged before. */
  logAgain: 'log_again',
  /** Undo on a write's confirmation (features/undo); the value is the undo action's id. */
  undoWrite: 'undo_write',
  /** Retry in the DM about a save that failed after its modal closed; the value is the pending write's id. */
  retryWrite: 'retry_write',
  /** Cancel on a held public ticket reply ("Sending in 30 s"); the value is the pending send's id. */
  heldReplyCancel: 'held_reply_cancel',
  /** Digest item buttons; the value carries the task (see views/digest.ts). */
  digestComplete: 'digest_complete',
  digestSnooze: 'digest_snooze',
  /** users_select in a digest item: the picked Slack user becomes the task owner. */
  digestReassign: 'digest_reassign',
  /** "Follow this one" after `/crm follow <name>` matched several deals; the value is the deal id. */
  followPick: 'follow_pick',
  /** Unfollow button in `/crm following`; the value is the follow's id. */
  unfollow: 'follow_unfollow',
  /** Connection buttons (App Home, "connect first" answers): open the connect modal or disconnect. */
  connectWorkspace: 'connect_workspace',
  connectMe: 'connect_me',
  disconnectWorkspace: 'disconnect_workspace',
  disconnectMe: 'disconnect_me',
  /** The connect form's inputs (prefixed `connect_` like every id of that flow). */
  agileDomainInput: 'connect_domain_input',
  agileEmailInput: 'connect_email_input',
  agileApiKeyInput: 'connect_api_key_input',
  /** App Home: my task's Complete / Snooze 1 day; the value is the digest task value (id and shown due). */
  homeTaskComplete: 'home_task_complete',
  homeTaskSnooze: 'home_task_snooze',
  /** App Home (admins): the settings checkboxes; each option's value is a WorkspaceSettings key. */
  homeSettings: 'home_settings',
  /** App Home (admins): a member's manual Agile user override; the block id names the Slack user. */
  homeUserLink: 'home_user_link',
  /**
   * App Home (admins): open one member's mapping modal. The "Map a member…" users_select (selected_user),
   * or a summary row's button when the Agile users do not fit its picker (value: the Slack user id).
   */
  homeMapMember: 'home_map_member',
  /** The mapping modal's Agile user select (static up to 100 options, else external with type-ahead). */
  homeMapAgileUser: 'home_map_agile_user',
} as const;

/** Input block_ids: view_submission errors are keyed by these. */
export const BLOCK = {
  contact: 'contact',
  subject: 'subject',
  note: 'note',
  dueDate: 'due_date',
  dueTime: 'due_time',
  priority: 'priority',
  taskType: 'task_type',
  description: 'description',
  owner: 'owner',
  deal: 'deal',
  dealName: 'deal_name',
  value: 'value',
  probability: 'probability',
  track: 'track',
  milestone: 'milestone',
  closeDate: 'close_date',
  reason: 'reason',
  ticket: 'ticket',
  reply: 'reply',
  visibility: 'visibility',
  logAgain: 'log_again',
  /** The connect form's inputs (errors show under them). */
  agileDomain: 'agile_domain',
  agileEmail: 'agile_email',
  agileApiKey: 'agile_api_key',
  /** Digest item blocks are `<prefix><taskId>` so a click can re-render its own item in place. */
  digestTaskPrefix: 'digest_task:',
  digestTaskActionsPrefix: 'digest_actions:',
  /** App Home mapping rows are `<prefix><Slack user id>`. */
  homeUserLinkPrefix: 'home_link:',
  /** App Home's "Map a member…" picker (actions block). */
  homeMapMember: 'home_map_member',
  /** The mapping modal's Agile user input. */
  homeMapAgileUser: 'home_map_agile_user',
} as const;
