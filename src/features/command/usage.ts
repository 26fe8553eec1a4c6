/**
 * One line of usage per `/crm` command: the grammar's errors and the help message both read this table,
 * so what the help shows and what an error suggests cannot drift apart.
 */
export interface CommandUsage {
  /** Synopsis, e.g. `/crm note <email> <text>`. */
  usage: string;
  /** A real command a user can copy. */
  example: string;
  /** A few words on what it does. */
  what: string;
}

export const COMMAND_USAGE = {
  help: { usage: '/crm help', example: '/crm help', what: 'Show this help' },
  lookup: {
    usage: '/crm lookup <email | phone | name>',
    example: '/crm lookup ana@acme.com',
    what: 'Find a contact (also: find, search, who)',
  },
  note: {
    usage: '/crm note [<email> <text>]',
    example: '/crm note ana@acme.com Called about the renewal',
    what: 'Log a note; alone it opens the form',
  },
  task: {
    usage: '/crm task [<email> <subject> [due <when>]]',
    example: '/crm task ana@acme.com Send the quote due tomorrow 3pm',
    what: 'Create a task; alone it opens the form',
  },
  deal: { usage: '/crm deal', example: '/crm deal', what: 'Create a deal (opens the form)' },
  move: {
    usage: '/crm move [<deal id | deal name> to <milestone>]',
    example: '/crm move Acme renewal to Won',
    what: 'Move a deal to another milestone; alone it opens the form',
  },
  reply: {
    usage: '/crm reply [<ticket id> <text>]',
    example: '/crm reply 5712 Thanks, the fix is live',
    what: 'Reply to a ticket by email (also: ticket); alone it opens the form',
  },
  digest: {
    usage: '/crm digest on [HH:MM] [Area/City] [days N] [weekdays] [owner <email>|me] | off | status | now',
    example: '/crm digest on 08:30 Europe/Berlin days 3 weekdays',
    what: "This channel's daily digest of pending tasks",
  },
  follow: {
    usage: '/crm follow <deal name | deal id | contact email | ticket id>',
    example: '/crm follow Acme renewal',
    what: "Post a record's changes in a thread of this channel",
  },
  unfollow: {
    usage: '/crm unfollow <deal name | deal id | contact email | ticket id>',
    example: '/crm unfollow Acme renewal',
    what: 'Stop following a record in this channel',
  },
  following: {
    usage: '/crm following',
    example: '/crm following',
    what: 'The records this channel follows, with Unfollow buttons',
  },
  connect: {
    usage: '/crm connect [me]',
    example: '/crm connect me',
    what: "Connect Agile CRM: `me` your own account (your changes are made as you); alone the workspace's (admins)",
  },
  disconnect: {
    usage: '/crm disconnect [me]',
    example: '/crm disconnect me',
    what: "Disconnect your own Agile account (`me`), or the workspace's (admins)",
  },
  status: { usage: '/crm status', example: '/crm status', what: "The bot's health (workspace admins)" },
  audit: {
    usage: '/crm audit [days N] [user @someone]',
    example: '/crm audit days 30',
    what: 'Admins: the CRM writes made from Slack, sent to you as a CSV file',
  },
} as const satisfies Record<string, CommandUsage>;

export type CommandName = keyof typeof COMMAND_USAGE;

/** Every usage line, for "I don't know that command" answers. */
export const ALL_USAGES: string = Object.values(COMMAND_USAGE)
  .map((u) => u.usage)
  .join('\n');
