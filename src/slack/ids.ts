/**
 * Every Slack identifier the app uses: shared by builders, listeners, tests and manifest.yml.
 * Add to these objects; never write an id as a bare string elsewhere.
 */
export const COMMAND = {
  crm: '/crm',
} as const;

export const SHORTCUT = {
  logToCrm: 'log_to_crm',
} as const;

export const CALLBACK = {} as const;

export const ACTION = {
  /** Digest item buttons; the value carries the task (see views/digest.ts). */
  digestComplete: 'digest_complete',
  digestSnooze: 'digest_snooze',
  /** users_select in a digest item: the picked Slack user becomes the task owner. */
  digestReassign: 'digest_reassign',
} as const;

export const BLOCK = {
  /** Digest item blocks are `<prefix><taskId>` so a click can re-render its own item in place. */
  digestTaskPrefix: 'digest_task:',
  digestTaskActionsPrefix: 'digest_actions:',
} as const;
