import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { Keyring } from '../secrets.js';
import { affected, type RepoContext, toNumber } from './context.js';
import type { Database } from './schema.js';
import { deleteTeamData } from './team-data.js';

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

/** What setWorkspaceAccount replaced. */
export interface WorkspaceAccountChange {
  /** The domain connected before (null: none). */
  previousDomain: string | null;
  /** The members whose personal connections were deleted (the domain changed); usually none. */
  personalRemoved: string[];
}

export interface WorkspacesRepository {
  /** Saves (or replaces, on reinstall) the team's installation. */
  saveInstallation(installation: Installation): Promise<void>;
  getInstallation(teamId: string): Promise<Installation | undefined>;
  /**
   * Only the installation row (Bolt's InstallationStore.deleteInstallation). `tokens_revoked` and
   * `app_uninstalled` delete all of the team's data instead (deleteTeam).
   */
  deleteInstallation(teamId: string): Promise<void>;

  getWorkspaceAccount(teamId: string): Promise<WorkspaceAgileAccount | undefined>;
  /**
   * Connects (replacing any previous account); null disconnects (members' personal connections stay,
   * for a reconnect to the same domain). Replacing it with an account in another Agile domain also
   * deletes the team's personal connections, in the same transaction: their keys belong to the old
   * domain, and would be sent to the new one. Says what was replaced.
   */
  setWorkspaceAccount(teamId: string, account: WorkspaceAgileAccount | null): Promise<WorkspaceAccountChange>;

  getPersonalAccount(teamId: string, slackUserId: string): Promise<PersonalAgileAccount | undefined>;
  /** The team's personal connections, by Slack user id (App Home's user mapping, owner matching). */
  listPersonalAccounts(teamId: string): Promise<PersonalAgileAccount[]>;
  /** Connects (replacing); null disconnects. */
  setPersonalAccount(
    teamId: string,
    slackUserId: string,
    account: PersonalAgileAccount | null,
  ): Promise<void>;

  /** `app_uninstalled` / `tokens_revoked`: every row of the team, in every table (store/team-data.ts). */
  deleteTeam(teamId: string): Promise<void>;
  /** Re-encrypts values still under ENCRYPTION_KEY_PREVIOUS with the current key; returns how many. */
  reencryptStale(): Promise<number>;
}

type Logger = Pick<PinoLogger, 'warn' | 'error'>;

/** The AAD of each secret: its table's row and column, so a value copied to another row fails to decrypt. */
export const secretAad = {
  botToken: (teamId: string) => `team:${teamId}:bot_token`,
  workspaceApiKey: (teamId: string) => `team:${teamId}:agile_api_key`,
  personalApiKey: (teamId: string, slackUserId: string) => `team:${teamId}:user:${slackUserId}:agile_api_key`,
};

/**
 * The store's implementation. A stored secret that cannot be decrypted (another ENCRYPTION_KEY, or
 * altered) reads as absent (the team looks uninstalled or unconnected; reinstalling or reconnecting
 * replaces it) and is logged as an error with the key ids, never thrown at a listener.
 */
export function createWorkspacesRepository(
  { db, nowMs }: RepoContext,
  keyring: Keyring,
  logger?: Logger,
): WorkspacesRepository {
  const open = (stored: string, aad: string, what: Record<string, string>): string | undefined => {
    try {
      return keyring.decrypt(stored, aad);
    } catch (err) {
      logger?.error(
        { ...what, keyId: keyring.keyIdOf(stored) ?? null, currentKeyId: keyring.currentId, err },
        'stored secret unreadable: treated as absent',
      );
      return undefined;
    }
  };

  const toPersonal = (teamId: string, r: PersonalRow): PersonalAgileAccount | undefined => {
    const apiKey = open(r.api_key_enc, secretAad.personalApiKey(teamId, r.slack_user_id), {
      teamId,
      slackUserId: r.slack_user_id,
      column: 'agile_personal_accounts.api_key_enc',
    });
    if (apiKey === undefined) return undefined;
    return { slackUserId: r.slack_user_id, email: r.email, apiKey, connectedMs: toNumber(r.connected_ms) };
  };

  return {
    async saveInstallation(i) {
      const row = {
        team_name: i.teamName,
        enterprise_id: i.enterpriseId,
        bot_token_enc: keyring.encrypt(i.botToken, secretAad.botToken(i.teamId)),
        bot_user_id: i.botUserId,
        bot_id: i.botId,
        scopes: i.scopes.join(','),
        installer_user_id: i.installerUserId,
        installed_ms: i.installedMs,
        updated_ms: nowMs(),
      };
      await db
        .insertInto('slack_installations')
        .values({ team_id: i.teamId, ...row })
        .onConflict((oc) => oc.column('team_id').doUpdateSet(row))
        .execute();
    },

    async getInstallation(teamId) {
      const r = await db
        .selectFrom('slack_installations')
        .selectAll()
        .where('team_id', '=', teamId)
        .executeTakeFirst();
      if (!r) return undefined;
      const botToken = open(r.bot_token_enc, secretAad.botToken(teamId), {
        teamId,
        column: 'slack_installations.bot_token_enc',
      });
      if (botToken === undefined) return undefined;
      return {
        teamId,
        teamName: r.team_name,
        enterpriseId: r.enterprise_id,
        botToken,
        botUserId: r.bot_user_id,
        botId: r.bot_id,
        scopes: r.scopes ? r.scopes.split(',') : [],
        installerUserId: r.installer_user_id,
        installedMs: toNumber(r.installed_ms),
      };
    },

    async deleteInstallation(teamId) {
      await db.deleteFrom('slack_installations').where('team_id', '=', teamId).execute();
    },

    async getWorkspaceAccount(teamId) {
      const r = await db
        .selectFrom('agile_workspace_accounts')
        .selectAll()
        .where('team_id', '=', teamId)
        .executeTakeFirst();
      if (!r) return undefined;
      const apiKey = open(r.api_key_enc, secretAad.workspaceApiKey(teamId), {
        teamId,
        column: 'agile_workspace_accounts.api_key_enc',
      });
      if (apiKey === undefined) return undefined;
      return {
        domain: r.domain,
        email: r.email,
        apiKey,
        connectedBy: r.connected_by,
        connectedMs: toNumber(r.connected_ms),
      };
    },

    async setWorkspaceAccount(teamId, account) {
      return db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('agile_workspace_accounts')
          .select('domain')
          .where('team_id', '=', teamId)
          .executeTakeFirst();
        const change: WorkspaceAccountChange = {
          previousDomain: before?.domain ?? null,
          personalRemoved: [],
        };
        if (!account) {
          await trx.deleteFrom('agile_workspace_accounts').where('team_id', '=', teamId).execute();
          return change;
        }
        if (before && before.domain.toLowerCase() !== account.domain.toLowerCase()) {
          const removed = await trx
            .deleteFrom('agile_personal_accounts')
            .where('team_id', '=', teamId)
            .returning('slack_user_id')
            .execute();
          change.personalRemoved = removed.map((r) => r.slack_user_id).sort();
        }
        const row = {
          domain: account.domain,
          email: account.email,
          api_key_enc: keyring.encrypt(account.apiKey, secretAad.workspaceApiKey(teamId)),
          connected_by: account.connectedBy,
          connected_ms: account.connectedMs,
        };
        await trx
          .insertInto('agile_workspace_accounts')
          .values({ team_id: teamId, ...row })
          .onConflict((oc) => oc.column('team_id').doUpdateSet(row))
          .execute();
        return change;
      });
    },

    async getPersonalAccount(teamId, slackUserId) {
      const r = await db
        .selectFrom('agile_personal_accounts')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('slack_user_id', '=', slackUserId)
        .executeTakeFirst();
      return r ? toPersonal(teamId, r) : undefined;
    },

    async listPersonalAccounts(teamId) {
      const rows = await db
        .selectFrom('agile_personal_accounts')
        .selectAll()
        .where('team_id', '=', teamId)
        .orderBy('slack_user_id')
        .execute();
      return rows.flatMap((r) => toPersonal(teamId, r) ?? []);
    },

    async setPersonalAccount(teamId, slackUserId, account) {
      if (!account) {
        await db
          .deleteFrom('agile_personal_accounts')
          .where('team_id', '=', teamId)
          .where('slack_user_id', '=', slackUserId)
          .execute();
        return;
      }
      const row = {
        email: account.email,
        api_key_enc: keyring.encrypt(account.apiKey, secretAad.personalApiKey(teamId, slackUserId)),
        connected_ms: account.connectedMs,
      };
      await db
        .insertInto('agile_personal_accounts')
        .values({ team_id: teamId, slack_user_id: slackUserId, ...row })
        .onConflict((oc) => oc.columns(['team_id', 'slack_user_id']).doUpdateSet(row))
        .execute();
    },

    async deleteTeam(teamId) {
      await deleteTeamData(db, teamId);
    },

    async reencryptStale() {
      return reencrypt(db, keyring, logger);
    },
  };
}

type PersonalRow = {
  slack_user_id: string;
  email: string;
  api_key_enc: string;
  connected_ms: number;
};

/**
 * Re-encrypts with the current key every secret stored under another one (ENCRYPTION_KEY_PREVIOUS).
 * Each update only applies if the value is still the one read, so a concurrent write is never undone.
 * Values no key here can read are left as they are and logged.
 */
async function reencrypt(db: Kysely<Database>, keyring: Keyring, logger?: Logger): Promise<number> {
  const notCurrent = `enc1:${keyring.currentId}:%`;
  let count = 0;
  let unreadable = 0;
  const redo = (stored: string, aad: string): string | undefined => {
    try {
      return keyring.encrypt(keyring.decrypt(stored, aad), aad);
    } catch {
      unreadable++;
      return undefined;
    }
  };

  const installs = await db
    .selectFrom('slack_installations')
    .select(['team_id', 'bot_token_enc'])
    .where('bot_token_enc', 'not like', notCurrent)
    .execute();
  for (const r of installs) {
    const next = redo(r.bot_token_enc, secretAad.botToken(r.team_id));
    if (next === undefined) continue;
    const res = await db
      .updateTable('slack_installations')
      .set({ bot_token_enc: next })
      .where('team_id', '=', r.team_id)
      .where('bot_token_enc', '=', r.bot_token_enc)
      .executeTakeFirst();
    count += affected(res);
  }

  const workspaces = await db
    .selectFrom('agile_workspace_accounts')
    .select(['team_id', 'api_key_enc'])
    .where('api_key_enc', 'not like', notCurrent)
    .execute();
  for (const r of workspaces) {
    const next = redo(r.api_key_enc, secretAad.workspaceApiKey(r.team_id));
    if (next === undefined) continue;
    const res = await db
      .updateTable('agile_workspace_accounts')
      .set({ api_key_enc: next })
      .where('team_id', '=', r.team_id)
      .where('api_key_enc', '=', r.api_key_enc)
      .executeTakeFirst();
    count += affected(res);
  }

  const personal = await db
    .selectFrom('agile_personal_accounts')
    .select(['team_id', 'slack_user_id', 'api_key_enc'])
    .where('api_key_enc', 'not like', notCurrent)
    .execute();
  for (const r of personal) {
    const next = redo(r.api_key_enc, secretAad.personalApiKey(r.team_id, r.slack_user_id));
    if (next === undefined) continue;
    const res = await db
      .updateTable('agile_personal_accounts')
      .set({ api_key_enc: next })
      .where('team_id', '=', r.team_id)
      .where('slack_user_id', '=', r.slack_user_id)
      .where('api_key_enc', '=', r.api_key_enc)
      .executeTakeFirst();
    count += affected(res);
  }

  if (unreadable > 0) {
    logger?.warn(
      { unreadable, currentKeyId: keyring.currentId, previousKeyId: keyring.previousId },
      'stored secrets under a key that is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS: left as they are',
    );
  }
  return count;
}
