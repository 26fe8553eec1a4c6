import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../platform/slack/actor.js';
import { renderOf } from './click-use-case.js';
import { buildDigestMessageUpdate } from './views.js';

interface DigestMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: KnownBlock[];
}

function digestMessageOf(previous: Record<string, unknown> | null): DigestMessage | undefined {
  const m = previous?.digestMessage as Partial<DigestMessage> | undefined;
  if (!m || typeof m.channel !== 'string' || typeof m.ts !== 'string' || !Array.isArray(m.blocks))
    return undefined;
  return { channel: m.channel, ts: m.ts, text: m.text ?? 'CRM digest', blocks: m.blocks };
}

/**
 * After an Undo of a digest Complete / Snooze / Reassign: the message as it was before that click (the
 * task's line with its buttons), with every other item handled since re-rendered from the store (the
 * undone click's action was forgotten, so it is not among them). Never throws: the undo stands.
 */
export async function restoreDigestLine(
  deps: Deps,
  actor: Actor,
  undone: { kind: string; previous: Record<string, unknown> | null },
): Promise<void> {
  if (!undone.kind.startsWith('digest.')) return;
  const message = digestMessageOf(undone.previous);
  if (!message) return;
  try {
    const render = await renderOf(deps, { channelId: message.channel, messageTs: message.ts, actor });
    const blocks =
      buildDigestMessageUpdate(message.blocks, render.items, {
        timeZone: render.timeZone,
        mentions: render.mentions,
      }) ?? message.blocks;
    await deps.slackClient.chat.update({
      channel: message.channel,
      ts: message.ts,
      blocks,
      text: message.text,
    });
  } catch (err) {
    deps.logger.warn({ err, channel: message.channel, ts: message.ts }, 'could not put the digest line back');
  }
}
