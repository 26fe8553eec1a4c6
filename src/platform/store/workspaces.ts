// The contract of the workspaces store (issue 10): Slack installations (OAuth mode) and Agile
// connections (the workspace's account, set with `/crm connect`, and members' own, `/crm connect me`).
// Every secret here (bot tokens, Agile API keys) is stored encrypted (platform/secrets.ts): the
// repository encrypts on write and decrypts on read, so callers only ever see clear values.

/** One Slack workspace's installation of the app (OAuth mode). */
export interface Installation {
  teamId: string;
  teamName: string | null;
  /** Enterprise Grid organisation, if any. */
  enterpriseId: string | null;
  botToken: string;
  botUserId: string;
  botId: string | null;
  /** The bot scopes granted. */
  scopes: string[];
  /** The Slack user who installed the app (may connect Agile and change settings, like admins). */
  installerUserId: string;
  installedMs: number;
}

/** A workspace's Agile account: the domain (`acme` of acme.agilecrm.com), the API user and key. */
export interface WorkspaceAgileAccount {
  domain: string;
  email: string;
  apiKey: string;
  /** Slack user who connected it. */
  connectedBy: string;
  connectedMs: number;
}

/** A member's own Agile login in the workspace's Agile domain: their writes are sent with it. */
export interface PersonalAgileAccount {
  slackUserId: string;
  email: string;
  apiKey: string;
  connectedMs: number;
}

export interface WorkspacesRepository {
  /** Saves (or replaces, on reinstall) the team's installation. */
  saveInstallation(installation: Installation): Promise<void>;
  getInstallation(teamId: string): Promise<Installation | undefined>;
  /** `tokens_revoked`: the bot token is gone, the rest of the team's data stays until uninstall. */
  deleteInstallation(teamId: string): Promise<void>;

  getWorkspaceAccount(teamId: string): Promise<WorkspaceAgileAccount | undefined>;
  /** Connects (replacing any previous account); null disconnects. */
  setWorkspaceAccount(teamId: string, account: WorkspaceAgileAccount | null): Promise<void>;

  getPersonalAccount(teamId: string, slackUserId: string): Promise<PersonalAgileAccount | undefined>;
  /** The team's personal connections, by Slack user id (App Home's user mapping, owner matching). */
  listPersonalAccounts(teamId: string): Promise<PersonalAgileAccount[]>;
  /** Connects (replacing); null disconnects. */
  setPersonalAccount(
    teamId: string,
    slackUserId: string,
    account: PersonalAgileAccount | null,
  ): Promise<void>;

  /** `app_uninstalled`: the installation and every Agile connection of the team. */
  deleteTeam(teamId: string): Promise<void>;
  /** Re-encrypts values still under ENCRYPTION_KEY_PREVIOUS with the current key; returns how many. */
  reencryptStale(): Promise<number>;
}
