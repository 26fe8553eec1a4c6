import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type {
  PersonalAgileAccount,
  WorkspaceAccountChange,
  WorkspaceAgileAccount,
} from '../store/workspaces.js';

/**
 * Connecting and disconnecting Agile accounts (features/connect writes through this, never through the
 * store directly): it stores the account and tells whoever caches a team's Agile clients and
 * connection state (app/workspaces.ts, App Home) to drop what they hold for that team.
 */
export interface AgileAccounts {
  /**
   * Connecting another Agile domain than the one connected also removes the members' personal
   * connections (their keys belong to the old domain); the answer says whose.
   */
  connectWorkspace(teamId: string, account: WorkspaceAgileAccount): Promise<WorkspaceAccountChange>;
  disconnectWorkspace(teamId: string): Promise<void>;
  connectPersonal(teamId: string, account: PersonalAgileAccount): Promise<void>;
  disconnectPersonal(teamId: string, slackUserId: string): Promise<void>;
  /**
   * `app_uninstalled` and `tokens_revoked`: deletes everything the store holds for the team
   * (WorkspacesRepository.deleteTeam).
   */
  deleteTeam(teamId: string): Promise<void>;
  /** Called after every change above (and after an uninstall) with the team concerned. */
  onChange(listener: (teamId: string) => void): void;
}

/**
 * The AgileAccounts over the store: each change is written through `store.workspaces` (encrypted
 * there), then every listener hears the team. A listener that throws is logged and does not stop the
 * others: the write is already saved.
 */
export function createAgileAccounts(
  store: Pick<Store, 'workspaces'>,
  logger?: Pick<Logger, 'warn'>,
): AgileAccounts {
  const listeners: ((teamId: string) => void)[] = [];
  const changed = (teamId: string) => {
    for (const listener of listeners) {
      try {
        listener(teamId);
      } catch (err) {
        logger?.warn({ err, teamId }, 'agile accounts change listener failed');
      }
    }
  };
  return {
    async connectWorkspace(teamId, account) {
      const change = await store.workspaces.setWorkspaceAccount(teamId, account);
      changed(teamId);
      return change;
    },
    async disconnectWorkspace(teamId) {
      await store.workspaces.setWorkspaceAccount(teamId, null);
      changed(teamId);
    },
    async connectPersonal(teamId, account) {
      await store.workspaces.setPersonalAccount(teamId, account.slackUserId, account);
      changed(teamId);
    },
    async disconnectPersonal(teamId, slackUserId) {
      await store.workspaces.setPersonalAccount(teamId, slackUserId, null);
      changed(teamId);
    },
    async deleteTeam(teamId) {
      await store.workspaces.deleteTeam(teamId);
      changed(teamId);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
