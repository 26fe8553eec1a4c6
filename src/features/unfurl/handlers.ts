import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import { crmChannelCheck } from '../access/external-channel.js';
import { agileRecordUrl, parseAgileLink } from './agile-link.js';
import { createUnfurlCards } from './use-case.js';
import { buildUnfurlBlocks } from './views.js';

/** With the no-op ack the gate gives events (app/register.ts). */
type LinkSharedArgs = Omit<SlackEventMiddlewareArgs<'link_shared'>, 'ack'> &
  AllMiddlewareArgs & { ack: () => Promise<void> };

/** Slack sends at most a handful of links per message; never read more than this many records for one. */
const MAX_LINKS = 10;

/**
 * Whether links may unfurl in this channel: not in a channel shared with another organisation
 * (a CRM card would leave the company) unless the workspace's admin allows it; not when the channel
 * cannot be checked (the composer's preview has no channel yet).
 */
async function mayUnfurlIn(deps: Deps, client: LinkSharedArgs['client'], channel: string): Promise<boolean> {
  const check = await crmChannelCheck(deps.settings, client, channel);
  if (check.kind === 'external')
    deps.logger.debug({ channel }, 'unfurl: externally shared channel, not unfurled');
  if (check.kind === 'unknown')
    deps.logger.debug({ err: check.error, channel }, 'unfurl: channel could not be checked, not unfurled');
  return check.kind === 'allowed';
}

/**
 * `link_shared` → `chat.unfurl` with a compact card per link to a record of this workspace's Agile.
 * A record that cannot be read (unknown, no access, the CRM down) gets no card and a debug line:
 * nothing ever shows in the channel about it.
 */
export function linkSharedCallback(deps: Deps) {
  const cards = createUnfurlCards(deps.now);
  return async ({ ack, event, body, client }: LinkSharedArgs): Promise<void> => {
    await ack();
    const domain = deps.agileDomain;
    if (!domain) {
      deps.logger.debug('unfurl: the Agile domain is unknown (set AGILE_DOMAIN); links not unfurled');
      return;
    }
    const links = new Map<string, ReturnType<typeof parseAgileLink> & object>();
    for (const { url } of event.links) {
      const link = parseAgileLink(url, domain);
      if (link && links.size < MAX_LINKS) links.set(url, link);
    }
    if (links.size === 0) return;
    if (!(await mayUnfurlIn(deps, client, event.channel))) return;

    const teamId = body.team_id;
    const unfurls: Record<string, { blocks: ReturnType<typeof buildUnfurlBlocks> }> = {};
    await Promise.all(
      [...links].map(async ([url, link]) => {
        try {
          const card = await cards.card(teamId, deps, link);
          if (!card) {
            deps.logger.debug({ kind: link.kind, id: link.id }, 'unfurl: no such record');
            return;
          }
          unfurls[url] = { blocks: buildUnfurlBlocks(card, agileRecordUrl(domain, link)) };
        } catch (err) {
          const kind = isAgileError(err) ? err.kind : 'error';
          deps.logger.debug({ err, kind, record: link.kind, id: link.id }, 'unfurl: record not readable');
        }
      }),
    );
    if (Object.keys(unfurls).length === 0) return;
    try {
      // A link typed in the message composer has no message yet: Slack names it by unfurl_id and source.
      const where =
        event.source === 'composer' && event.unfurl_id
          ? { unfurl_id: event.unfurl_id, source: 'composer' as const }
          : { channel: event.channel, ts: event.message_ts };
      await client.chat.unfurl({ ...where, unfurls });
    } catch (err) {
      deps.logger.warn({ err, channel: event.channel }, 'chat.unfurl failed');
    }
  };
}
