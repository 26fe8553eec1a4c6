import type { PersonalAgileAccount, WorkspaceAgileAccount } from '../store/workspaces.js';

/**
 * Connecting and disconnecting Agile accounts (features/connect writes through this, never through the
 * store directly): it stores the account and tells whoever caches a team's Agile clients and
 * connection state (app/workspaces.ts, App Home) to drop what they hold for that team.
 */
export interface AgileAccounts {
  connectWorkspace(teamId: string, account: WorkspaceAgileAccount): Promise<void>;
  disconnectWorkspace(teamId: string): Promise<void>;
  connectPersonal(teamId: string, account: PersonalAgileAccount): Promise<void>;
  disconnectPersonal(teamId: string, slackUserId: string): Promise<void>;
  /** Called after every change above (and after an uninstall) with the team concerned. */
  onChange(listener: (teamId: string) => void): void;
}
