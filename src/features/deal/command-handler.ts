import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import type { Track } from '../../platform/agile/index.js';
import type { ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { LIMITS } from '../../platform/slack/mrkdwn.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { dealDirectoryFor } from '../pipeline/deals.js';
import {
  buildDealLoadingModal,
  buildDealModal,
  buildDealUnavailableModal,
  type DealFormValues,
  type OwnerChoice,
  type TrackChoice,
} from './modal-view.js';

/**
 * private_metadata of the Create deal modal: where to confirm, the user's zone (close date), and the
 * tracks with their milestones so a submission is validated with no I/O (dropped if too long).
 */
export const dealModalMetadata = z.object({
  c: z.string().optional(),
  tz: z.string().optional(),
  t: z.array(z.tuple([z.string(), z.string(), z.array(z.string())])).optional(),
});
export type DealModalMetadata = z.output<typeof dealModalMetadata>;

export function encodeDealMetadata(meta: DealModalMetadata): string {
  try {
    return encodeMetadata(meta);
  } catch {
    const { t: _tracks, ...rest } = meta;
    return encodeMetadata(rest);
  }
}

export function readDealMetadata(raw: string | undefined): DealModalMetadata {
  return decodeMetadata(raw, dealModalMetadata) ?? {};
}

export function toTrackChoices(tracks: readonly Track[]): TrackChoice[] {
  return tracks.map((t) => ({ id: t.id, name: t.name, milestones: t.milestoneList }));
}

/** Tracks for a submission: from the modal's metadata (no I/O), else the cached directory. */
export async function tracksFor(meta: DealModalMetadata, deps: Deps): Promise<TrackChoice[]> {
  if (meta.t) return meta.t.map(([id, name, milestones]) => ({ id, name, milestones }));
  return toTrackChoices(await dealDirectoryFor(deps.agile, deps.now).tracks());
}

export async function ownerChoices(deps: Deps): Promise<OwnerChoice[]> {
  const users = await deps.owners.list();
  return users
    .filter((u) => !u.is_disabled)
    .map((u) => ({ id: u.id, name: u.name || u.email || u.id, email: u.email }))
    .slice(0, LIMITS.selectOptions);
}

/** The Slack user's Agile account (same email), else the API user: the deal's default owner. */
export async function defaultOwnerId(deps: Deps, email: string | undefined): Promise<string | undefined> {
  const mine = await deps.owners.byEmail(email);
  return (mine ?? (await deps.owners.apiUser()))?.id;
}

export interface OpenDealModalArgs {
  client: WebClient;
  triggerId: string;
  userId: string;
  channel?: string;
  /** Prefill this contact (the card's Create deal button). */
  contactId?: string;
}

/** Opens the Create deal modal AT ONCE (loading), then fills tracks, owners and defaults. */
export async function openDealModal(args: OpenDealModalArgs, deps: Deps): Promise<void> {
  const { client, userId } = args;
  const opened = await client.views.open({
    trigger_id: args.triggerId,
    view: buildDealLoadingModal(encodeDealMetadata({ c: args.channel })),
  });
  const viewId = opened.view?.id;
  if (!viewId) return;
  const dir = dealDirectoryFor(deps.agile, deps.now);
  try {
    const [tracks, owners, profile, contact] = await Promise.all([
      dir.tracks(),
      ownerChoices(deps),
      deps.slackUsers.profile(userId),
      args.contactId ? deps.agile.contacts.get(args.contactId).catch(() => null) : Promise.resolve(null),
    ]);
    const ownerId = await defaultOwnerId(deps, profile.email);
    const contacts: ContactChoice[] = contact ? [toChoice(contact)] : [];
    const trackChoices = toTrackChoices(tracks);
    const first = trackChoices[0];
    const values: DealFormValues = {
      trackId: first?.id,
      milestone: first?.milestones[0],
      contacts,
      ownerId,
    };
    const metadata = encodeDealMetadata({
      c: args.channel,
      tz: profile.timeZone,
      t: trackChoices.map((t) => [t.id, t.name, t.milestones]),
    });
    if (trackChoices.length === 0) {
      await client.views.update({
        view_id: viewId,
        hash: opened.view?.hash,
        view: buildDealUnavailableModal(
          metadata,
          'The CRM has no deal tracks yet: create one in Agile CRM first.',
        ),
      });
      return;
    }
    await client.views.update({
      view_id: viewId,
      hash: opened.view?.hash,
      view: buildDealModal({ tracks: trackChoices, owners, values, metadata }),
    });
  } catch (err) {
    deps.logger.warn({ err }, 'could not fill the Create deal modal');
    await client.views
      .update({
        view_id: viewId,
        view: buildDealUnavailableModal(
          encodeDealMetadata({ c: args.channel }),
          `Could not load tracks and owners: ${describeAgileError(err)}. Close this and try again.`,
        ),
      })
      .catch((e) => deps.logger.error({ err: e }, 'could not show the failure in the modal'));
  }
}

/** `/crm deal`. */
export const openDealModalFromCommand: ModalOpener = async ({ command, client }, deps) => {
  await openDealModal(
    { client, triggerId: command.trigger_id, userId: command.user_id, channel: command.channel_id },
    deps,
  );
};
