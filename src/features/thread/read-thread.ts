import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { channelInfo } from '../../platform/slack/channel-info.js';
import { mentionedUserIds, unnamedChannelIds } from '../../platform/slack/slack-text.js';
import type { Speaker, ThreadMessage } from './thread-text.js';

/** conversations.replies pages: 200 messages each (Slack's advice), at most this many pages (10,000 messages). */
const PAGE_SIZE = 200;
const MAX_PAGES = 50;
/** Names resolved for authors and mentions (users.info is tier 4 and cached). */
const MAX_PEOPLE = 100;
const MAX_CHANNELS = 20;

export interface ThreadRef {
  channel: string;
  /** The parent's ts (a reply's thread_ts, or the message's own ts). */
  threadTs: string;
  /** Read up to this message, included: what the modal showed is what gets logged. */
  latestTs?: string;
}

interface RawReply {
  ts?: string;
  user?: string;
  user_team?: string;
  team?: string;
  bot_id?: string;
  username?: string;
  bot_profile?: { name?: string };
  text?: string;
  subtype?: string;
}

export interface ReadThread {
  messages: ThreadMessage[];
  speakers: Map<string, Speaker>;
  users: Map<string, string>;
  channels: Map<string, string>;
  /** The newest message read (the modal logs up to it). */
  latestTs: string;
}

/** Every message of the thread, parent first, following the cursor; Slack errors throw. */
async function readReplies(client: WebClient, ref: ThreadRef): Promise<RawReply[]> {
  const all: RawReply[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.conversations.replies({
      channel: ref.channel,
      ts: ref.threadTs,
      limit: PAGE_SIZE,
      ...(ref.latestTs ? { latest: ref.latestTs, inclusive: true } : {}),
      ...(cursor ? { cursor } : {}),
    });
    all.push(...((res.messages ?? []) as RawReply[]));
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return all;
}

/**
 * The thread with its speakers' names (external ones marked: their team differs from this
 * workspace's, or Slack calls them a stranger) and the names its mentions need.
 */
export async function readThread(
  deps: Pick<Deps, 'slackUsers' | 'logger'>,
  client: WebClient,
  teamId: string,
  ref: ThreadRef,
): Promise<ReadThread> {
  const raw = (await readReplies(client, ref)).filter(
    (m) => m.ts && m.subtype !== 'thread_broadcast_deleted' && m.subtype !== 'tombstone',
  );
  const messages: ThreadMessage[] = raw.map((m) => ({
    ts: m.ts ?? '',
    userId: m.user,
    botName: m.user ? undefined : (m.bot_profile?.name ?? m.username),
    text: m.text ?? '',
  }));
  const otherTeam = new Set(
    raw
      .filter((m) => m.user && (m.user_team ?? m.team) && (m.user_team ?? m.team) !== teamId)
      .map((m) => m.user),
  );
  const authors = [...new Set(raw.map((m) => m.user).filter((u): u is string => Boolean(u)))];
  const mentioned = [...new Set(raw.flatMap((m) => mentionedUserIds(m.text ?? '')))];
  const people = [...new Set([...authors, ...mentioned])].slice(0, MAX_PEOPLE);
  const channelIds = [...new Set(raw.flatMap((m) => unnamedChannelIds(m.text ?? '')))].slice(0, MAX_CHANNELS);

  const [profiles, channels] = await Promise.all([
    Promise.all(people.map((id) => deps.slackUsers.profile(id))),
    Promise.all(
      channelIds.map(async (id) => {
        const info = await channelInfo(client, id).catch(() => undefined);
        return [id, info?.name] as const;
      }),
    ),
  ]);
  const speakers = new Map<string, Speaker>();
  const users = new Map<string, string>();
  for (const p of profiles) {
    users.set(p.id, p.name);
    const external = otherTeam.has(p.id) || Boolean(p.teamId && p.teamId !== teamId) || p.isStranger === true;
    speakers.set(p.id, { name: p.name, external });
  }
  return {
    messages,
    speakers,
    users,
    channels: new Map(channels.filter((e): e is readonly [string, string] => Boolean(e[1]))),
    latestTs: messages.reduce((max, m) => (Number(m.ts) > Number(max) ? m.ts : max), ref.threadTs),
  };
}
