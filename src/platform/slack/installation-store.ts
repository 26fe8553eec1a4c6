import type { Installation as BoltInstallation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Installation, WorkspacesRepository } from '../store/workspaces.js';

/** An org-wide (Enterprise Grid) install: the app works per workspace, so it is refused with this. */
export const ENTERPRISE_INSTALL_REFUSED =
  'This app is installed per workspace, not organisation-wide: install it from each workspace instead (Add to Slack from inside the workspace).';

export class EnterpriseInstallRefused extends Error {
  constructor() {
    super(ENTERPRISE_INSTALL_REFUSED);
    this.name = 'EnterpriseInstallRefused';
  }
}

export interface CachedInstallationStore extends InstallationStore {
  /** Our installation of a team (cached; undefined when not installed). */
  get(teamId: string): Promise<Installation | undefined>;
  /** Forget what is cached for the team (uninstall, token revoked). */
  invalidate(teamId: string): void;
}

/** Installations are read on every request (Bolt's authorize): kept this long, then read again. */
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 500;

/** Ours → Bolt's (what authorize() turns into the request's bot token and identity). */
export function toBoltInstallation(i: Installation): BoltInstallation<'v2', false> {
  return {
    team: { id: i.teamId, ...(i.teamName ? { name: i.teamName } : {}) },
    enterprise: i.enterpriseId ? { id: i.enterpriseId } : undefined,
    user: { id: i.installerUserId, token: undefined, scopes: undefined },
    bot: { token: i.botToken, userId: i.botUserId, id: i.botId ?? '', scopes: i.scopes },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/**
 * Bolt's installationStore over our workspaces store: Bolt's OAuth callback saves an installation here
 * and its authorize() fetches the request's team's on every request (so it is cached in memory, bounded,
 * and dropped on uninstall). Org-wide Enterprise installs are refused (the app is per workspace).
 */
export function createInstallationStore(
  repo: Pick<WorkspacesRepository, 'saveInstallation' | 'getInstallation' | 'deleteInstallation'>,
  now: () => Date = () => new Date(),
): CachedInstallationStore {
  const cache = new LRUCache<string, { value: Installation | null }>({ max: CACHE_MAX, ttl: CACHE_TTL_MS });
  const get = async (teamId: string): Promise<Installation | undefined> => {
    const hit = cache.get(teamId);
    if (hit) return hit.value ?? undefined;
    const value = (await repo.getInstallation(teamId)) ?? null;
    // A team not installed is not cached: its install may land on another instance any moment.
    if (value) cache.set(teamId, { value });
    return value ?? undefined;
  };
  return {
    get,
    invalidate: (teamId) => {
      cache.delete(teamId);
    },
    async storeInstallation(installation) {
      if (installation.isEnterpriseInstall || !installation.team?.id) throw new EnterpriseInstallRefused();
      const bot = installation.bot;
      if (!bot) throw new Error('the installation has no bot token (the bot scopes were not granted)');
      const teamId = installation.team.id;
      await repo.saveInstallation({
        teamId,
        teamName: installation.team.name ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        botToken: bot.token,
        botUserId: bot.userId,
        botId: bot.id || null,
        scopes: bot.scopes,
        installerUserId: installation.user.id,
        installedMs: now().getTime(),
      });
      cache.delete(teamId);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const teamId = query.teamId;
      const found = teamId ? await get(teamId) : undefined;
      if (!found) {
        throw new Error(
          query.isEnterpriseInstall
            ? 'org-wide installs are not supported'
            : `team ${teamId ?? '(none)'} has not installed the app`,
        );
      }
      return toBoltInstallation(found);
    },
    async deleteInstallation(query) {
      if (!query.teamId) return;
      await repo.deleteInstallation(query.teamId);
      cache.delete(query.teamId);
    },
  };
}
