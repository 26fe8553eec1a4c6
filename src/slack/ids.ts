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

export const ACTION = {} as const;

export const BLOCK = {} as const;
