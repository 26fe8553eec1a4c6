/** Who is connected to Agile for a request: the workspace's account and the acting user's own. */
export interface Connection {
  /** The workspace's Agile account (`/crm connect`, or AGILE_* in single-workspace mode); null = not connected. */
  workspace: { domain: string | null; email: string } | null;
  /** The acting user's personal Agile account (`/crm connect me`); their writes are sent with it. */
  personal: { email: string } | null;
  /** The Slack user who installed the app (may connect and change settings like admins); null if unknown. */
  installerUserId: string | null;
}
