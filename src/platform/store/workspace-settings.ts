import { parseSettings, type WorkspaceSettings } from '../workspace/settings.js';
import type { RepoContext } from './context.js';

/** A workspace's admin settings (App Home), one row per team. */
export interface WorkspaceSettingsRepository {
  /** The team's settings; the defaults when none were saved (or the stored JSON is unreadable). */
  get(teamId: string): Promise<WorkspaceSettings>;
  /** Replaces the team's settings. */
  save(teamId: string, settings: WorkspaceSettings, byUserId: string): Promise<void>;
  /** The app was uninstalled: forget the team's settings. */
  deleteTeam(teamId: string): Promise<void>;
}

export function createWorkspaceSettingsRepository({ db, nowMs }: RepoContext): WorkspaceSettingsRepository {
  return {
    async get(teamId) {
      const row = await db
        .selectFrom('workspace_settings')
        .select('settings')
        .where('team_id', '=', teamId)
        .executeTakeFirst();
      return parseSettings(row?.settings);
    },

    async save(teamId, settings, byUserId) {
      const row = { settings: JSON.stringify(settings), updated_by: byUserId, updated_ms: nowMs() };
      await db
        .insertInto('workspace_settings')
        .values({ team_id: teamId, ...row })
        .onConflict((oc) => oc.column('team_id').doUpdateSet(row))
        .execute();
    },

    async deleteTeam(teamId) {
      await db.deleteFrom('workspace_settings').where('team_id', '=', teamId).execute();
    },
  };
}
