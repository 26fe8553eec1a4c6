/** The acting Slack user: every write is keyed (idempotency) and attributed (audit) by team and user. */
export interface Actor {
  teamId: string;
  userId: string;
}

/** From a slash command. */
export function actorOfCommand(command: { team_id: string; user_id: string }): Actor {
  return { teamId: command.team_id, userId: command.user_id };
}

/** From an interaction payload (button, view submission, shortcut): the team it was made in. */
export function actorOfBody(body: {
  team?: { id: string } | null;
  user: { id: string; team_id?: string };
}): Actor {
  return { teamId: body.team?.id ?? body.user.team_id ?? '', userId: body.user.id };
}
