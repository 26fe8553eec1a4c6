import { type RepoContext, toNumber } from './context.js';

/** An admin's manual mapping of a Slack user to an Agile user (by email), overriding the email match. */
export interface UserLink {
  teamId: string;
  slackUserId: string;
  agileEmail: string;
  setBy: string;
  setMs: number;
}

export interface UserLinksRepository {
  /** The team's overrides, by Slack user id. */
  list(teamId: string): Promise<UserLink[]>;
  get(teamId: string, slackUserId: string): Promise<UserLink | undefined>;
  /** Sets the override (email stored lower-cased); null removes it. */
  set(teamId: string, slackUserId: string, agileEmail: string | null, byUserId: string): Promise<void>;
  /** The app was uninstalled: forget the team's overrides. */
  deleteTeam(teamId: string): Promise<void>;
}

type Row = { team_id: string; slack_user_id: string; agile_email: string; set_by: string; set_ms: number };

const toLink = (r: Row): UserLink => ({
  teamId: r.team_id,
  slackUserId: r.slack_user_id,
  agileEmail: r.agile_email,
  setBy: r.set_by,
  setMs: toNumber(r.set_ms),
});

export function createUserLinksRepository({ db, nowMs }: RepoContext): UserLinksRepository {
  return {
    async list(teamId) {
      const rows = await db
        .selectFrom('user_links')
        .selectAll()
        .where('team_id', '=', teamId)
        .orderBy('slack_user_id')
        .execute();
      return rows.map(toLink);
    },

    async get(teamId, slackUserId) {
      const row = await db
        .selectFrom('user_links')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('slack_user_id', '=', slackUserId)
        .executeTakeFirst();
      return row ? toLink(row) : undefined;
    },

    async set(teamId, slackUserId, agileEmail, byUserId) {
      const email = agileEmail?.trim().toLowerCase();
      if (!email) {
        await db
          .deleteFrom('user_links')
          .where('team_id', '=', teamId)
          .where('slack_user_id', '=', slackUserId)
          .execute();
        return;
      }
      const row = { agile_email: email, set_by: byUserId, set_ms: nowMs() };
      await db
        .insertInto('user_links')
        .values({ team_id: teamId, slack_user_id: slackUserId, ...row })
        .onConflict((oc) => oc.columns(['team_id', 'slack_user_id']).doUpdateSet(row))
        .execute();
    },

    async deleteTeam(teamId) {
      await db.deleteFrom('user_links').where('team_id', '=', teamId).execute();
    },
  };
}
