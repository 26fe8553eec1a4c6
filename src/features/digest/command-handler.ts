import { isAgileError } from '../../platform/agile/index.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { parseDigestCommand } from './digest-command.js';
import {
  buildDigestNowDone,
  buildDigestNowFailure,
  buildDigestOffReply,
  buildDigestOnReply,
  buildDigestStatusReply,
  buildDigestUsageReply,
  describeStoredSettings,
} from './digest-replies.js';
import { postDigest, prepareDigest, threadToPost } from './digest-run.js';
import { createDigestPoster, DigestPostError } from './poster.js';
import { nextRun } from './schedule.js';
import { dueRunOf, settingsOfSchedule } from './scheduler.js';

/** When the next digest will be posted: now-ish if one is due at the next tick, else the next HH:MM. */
function nextPost(schedule: StoredSchedule, now: Date): Date {
  return dueRunOf(schedule, now) ? now : nextRun(schedule, now, schedule.lastRun?.localDate);
}

/** `/crm digest on|off|status|now`: one schedule per channel; answers are ephemeral. */
export const digestCommandHandler: CommandHandler<'digest'> = async (cmd, args, deps) => {
  const { command } = args;
  const reply = (message: SlackMessage) => args.respond({ response_type: 'ephemeral', ...message });
  const profile = await deps.slackUsers.profile(command.user_id);
  const parsed = parseDigestCommand(cmd.args, { timeZone: profile.timeZone });
  const channel = command.channel_id;

  switch (parsed.kind) {
    case 'error':
    case 'help':
      await reply(buildDigestUsageReply(parsed.message, parsed.kind === 'error'));
      return;

    case 'on': {
      const emails = [...(parsed.owners?.emails ?? [])];
      if (parsed.owners?.me) {
        if (!profile.email) {
          await reply(
            buildDigestUsageReply(
              '`owner me` needs the email of your Slack profile, and I cannot see it. Use `owner you@company.com`.',
              true,
            ),
          );
          return;
        }
        const mine = profile.email.toLowerCase();
        if (!emails.includes(mine)) emails.unshift(mine);
      }
      const unknownOwners: string[] = [];
      for (const email of emails) if (!(await deps.owners.byEmail(email))) unknownOwners.push(email);
      const before = await deps.store.digestSchedules.get(channel);
      const schedule = await deps.store.digestSchedules.upsert({
        teamId: command.team_id,
        channelId: channel,
        time: parsed.time,
        timeZone: parsed.timeZone,
        horizonDays: parsed.horizonDays,
        weekdaysOnly: parsed.weekdaysOnly,
        ownerEmails: parsed.owners ? emails : null,
        userId: command.user_id,
      });
      deps.logger.info({ channel, scheduleId: schedule.id }, 'digest schedule saved');
      await reply(
        buildDigestOnReply(schedule, nextPost(schedule, deps.now()), {
          replaced: before !== undefined,
          unknownOwners,
        }),
      );
      return;
    }

    case 'off': {
      const existed = await deps.store.digestSchedules.delete(channel);
      await reply(buildDigestOffReply(existed));
      return;
    }

    case 'status': {
      const schedule = await deps.store.digestSchedules.get(channel);
      await reply(buildDigestStatusReply(schedule, schedule ? nextPost(schedule, deps.now()) : undefined));
      return;
    }

    case 'now': {
      // Not the day's scheduled run: no claim, so the scheduled digest still comes at its time.
      const schedule = await deps.store.digestSchedules.get(channel);
      const settings = schedule
        ? settingsOfSchedule(schedule, describeStoredSettings(schedule))
        : { timeZone: profile.timeZone, horizonDays: 3, ownerEmails: null };
      const poster = deps.digestPoster ?? createDigestPoster({ client: args.client, logger: deps.logger });
      try {
        const prepared = await prepareDigest(deps, settings, deps.now());
        await postDigest(poster, channel, prepared.messages);
        await reply(buildDigestNowDone(prepared.model.counts, threadToPost(prepared.messages).length));
      } catch (err) {
        deps.logger.warn({ err, channel }, '/crm digest now failed');
        if (err instanceof DigestPostError || isAgileError(err)) {
          await reply(buildDigestNowFailure(err));
          return;
        }
        throw err;
      }
      return;
    }
  }
};
