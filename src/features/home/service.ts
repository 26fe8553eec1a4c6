import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../platform/slack/actor.js';
import { createHomeAgileCache, type HomeAgileCache } from './home-cache.js';
import { loadHome, teamOf } from './use-case.js';
import { buildHomeView } from './views.js';

/**
 * App Home as other flows use it (Deps.home): its per-team, per-user Agile cache, and publishing a
 * user's Home tab after something it shows changed (a move made from it, a connect or disconnect).
 */
export interface HomeService {
  cache: HomeAgileCache;
  /**
   * Builds and publishes the user's Home tab with the request's (team's) deps. `fresh` drops the user's
   * cached Agile data first (their tasks or deals just changed); `notice` answers their last click there.
   */
  publish(
    deps: Deps,
    client: WebClient,
    actor: Actor,
    opts?: { fresh?: boolean; notice?: string; undoId?: string | null },
  ): Promise<void>;
}

export function createHomeService(now: () => Date = () => new Date(), maxUsers?: number): HomeService {
  return {
    cache: createHomeAgileCache(now, maxUsers),
    async publish(deps, client, actor, opts = {}) {
      if (opts.fresh) deps.home.cache.forget(teamOf(deps, actor), actor.userId);
      const data = await loadHome(deps, actor);
      await client.views.publish({
        user_id: actor.userId,
        view: buildHomeView(data, deps.now(), opts.notice, opts.undoId),
      });
    },
  };
}
