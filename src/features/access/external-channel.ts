import type { WebClient } from '@slack/web-api';
import { channelInfo } from '../../platform/slack/channel-info.js';
import type { WorkspaceSettings } from '../../platform/workspace/settings.js';
import { mayShareInto } from './policy.js';

/** Whether CRM content may go into a channel (see crmChannelCheck). */
export type CrmChannelCheck =
  | { kind: 'allowed' }
  /** Shared with another organisation (Slack Connect) and the workspace does not allow it. */
  | { kind: 'external' }
  /** Slack would not describe the channel (conversations.info failed): the caller must not assume. */
  | { kind: 'unknown'; error: unknown };

/** A request's own mark (a command's `is_ext_shared_channel`, form-encoded: 'true' / 'false'). */
function markOf(marked: unknown): boolean | undefined {
  if (marked === true || marked === 'true') return true;
  if (marked === false || marked === 'false') return false;
  return undefined;
}

/**
 * The one check before CRM content (a contact card, an unfurl, a digest) goes into a channel: not into
 * a channel shared with another organisation unless the workspace's admin allows it
 * (`externalChannelsAllowed`). A request that marks the channel as shared decides at once; otherwise
 * `conversations.info` (channelInfo: cached five minutes per client, so a channel shared since is seen
 * within five minutes). When Slack will not say, the answer is 'unknown' — unless the request itself said
 * the channel is not shared.
 */
export async function crmChannelCheck(
  settings: Pick<WorkspaceSettings, 'externalChannelsAllowed'>,
  client: WebClient,
  channel: string,
  marked?: unknown,
): Promise<CrmChannelCheck> {
  if (settings.externalChannelsAllowed) return { kind: 'allowed' };
  const mark = markOf(marked);
  if (mark === true) return { kind: 'external' };
  try {
    const info = await channelInfo(client, channel);
    return mayShareInto(info, settings) ? { kind: 'allowed' } : { kind: 'external' };
  } catch (error) {
    return mark === false ? { kind: 'allowed' } : { kind: 'unknown', error };
  }
}
