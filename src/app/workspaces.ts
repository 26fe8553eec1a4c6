import { LRUCache } from 'lru-cache';
import type { AgileClient } from '../platform/agile/index.js';
import type { AuditTrail } from '../platform/audit.js';
import { currentRequest } from '../platform/request-context.js';
import type { PersonalAgileAccount, WorkspacesRepository } from '../platform/store/workspaces.js';
import type { Connection } from '../platform/workspace/connection.js';
import type { Deps } from './deps.js';

/** How many teams' deps (Agile clients, caches, Slack client) are kept in memory at once. */
export const MAX_CACHED_TEAMS = 500;
/**
 * Kept at most this long, then rebuilt from the store: another instance's connect, disconnect or
 * settings change reaches this one within it (this instance's own changes invalidate at once).
 */
const TEAM_TTL_MS = 5 * 60_000;

/** A team's Slack side: its bot token and who installed the app. */
export interface TeamSlack {
  botToken: string;
  installerUserId: string | null;
}

/** A team's Agile account, with the base URL its domain maps to. */
export interface TeamAgileAccount {
  domain: string | null;
  baseUrl: string;
  email: string;
  apiKey: string;
}

/** What a team's deps are built on: its clients and caches (per team in OAuth mode, shared in env mode). */
export type TeamCore = Pick<
  Deps,
  | 'agile'
  | 'slackClient'
  | 'slackUsers'
  | 'owners'
  | 'contactSearch'
  | 'deals'
  | 'tickets'
  | 'home'
  | 'digestPoster'
>;

export interface WorkspacesOptions {
  /** The deps every team shares (store, logger, metrics, in-flight, audit…): the top-level deps. */
  shared: Deps;
  repo: Pick<WorkspacesRepository, 'listPersonalAccounts'>;
  /** The team's bot token and installer; undefined = not installed. */
  slackOf(teamId: string): Promise<TeamSlack | undefined>;
  /** The team's Agile account; undefined = not connected yet. */
  accountOf(teamId: string): Promise<TeamAgileAccount | undefined>;
  /** The clients and caches of a team (the account is null when it is not connected). */
  coreOf(teamId: string, slack: TeamSlack, account: TeamAgileAccount | null): TeamCore;
  /** A member's own Agile client (same base URL as the workspace's account). */
  personalClient(account: TeamAgileAccount): AgileClient;
  maxTeams?: number;
  /** Called when a team's deps leave the cache (evicted, expired, invalidated). */
  onDrop?: (deps: Deps) => void;
}

/** A team as its listeners see it. */
export interface TeamDeps {
  deps: Deps;
  /** The workspace has an Agile account (`/crm connect`, or AGILE_* in single-workspace mode). */
  connected: boolean;
}

export interface Workspaces {
  /** The team's deps, connected or not (listeners answer "connect first"); null = not installed. */
  teamDeps(teamId: string): Promise<TeamDeps | null>;
  /** The team's deps when installed and connected (background work), else null. */
  forTeam(teamId: string): Promise<Deps | null>;
  /** Drops what is held for the team (connect, disconnect, settings change, uninstall). */
  invalidate(teamId: string): void;
  readonly size: number;
}

interface Personal {
  account: PersonalAgileAccount;
  client?: AgileClient;
}

/**
 * Every team's deps, built on first use and kept in a bounded LRU: its Slack client with its own bot
 * token, its Agile client from its connected account, its caches, its settings and connections.
 * Writes by a member with a personal Agile connection go out with their own client (Agile records them
 * as the author; the audit records their email).
 */
export function createWorkspaces(opts: WorkspacesOptions): Workspaces {
  const { shared } = opts;
  const cache = new LRUCache<string, Promise<TeamDeps | null>>({
    max: opts.maxTeams ?? MAX_CACHED_TEAMS,
    ttl: TEAM_TTL_MS,
    dispose: (value) => {
      if (opts.onDrop) value.then((team) => team && opts.onDrop?.(team.deps)).catch(() => undefined);
    },
  });

  async function build(teamId: string): Promise<TeamDeps | null> {
    const slack = await opts.slackOf(teamId);
    if (!slack) return null;
    const [account, personalList, settings] = await Promise.all([
      opts.accountOf(teamId),
      opts.repo.listPersonalAccounts(teamId),
      shared.store.settings.get(teamId),
    ]);
    const core = opts.coreOf(teamId, slack, account ?? null);
    const personal = new Map<string, Personal>(personalList.map((a) => [a.slackUserId, { account: a }]));
    /** The acting user's personal connection (the request context names the user). */
    const mine = (): Personal | undefined => {
      const userId = currentRequest()?.userId;
      return userId ? personal.get(userId) : undefined;
    };
    const personalAgile = (p: Personal): AgileClient => {
      if (!account) return core.agile;
      p.client ??= opts.personalClient({ ...account, email: p.account.email, apiKey: p.account.apiKey });
      return p.client;
    };
    const audit: AuditTrail = {
      retentionDays: shared.audit.retentionDays,
      record: (write) =>
        shared.audit.record({
          ...write,
          agileUser: write.agileUser ?? mine()?.account.email ?? account?.email,
        }),
    };
    const deps: Deps = {
      ...shared,
      ...core,
      get agile() {
        const p = mine();
        return p ? personalAgile(p) : core.agile;
      },
      logger: shared.logger.child({ teamId }),
      audit,
      teamId,
      settings,
      get connection(): Connection {
        const p = mine();
        return {
          workspace: account ? { domain: account.domain, email: account.email } : null,
          personal: p ? { email: p.account.email } : null,
          installerUserId: slack.installerUserId,
        };
      },
      agileDomain: account?.domain ?? null,
      forTeam: (id) => workspaces.forTeam(id),
    };
    return { deps, connected: account !== undefined };
  }

  const workspaces: Workspaces = {
    teamDeps(teamId) {
      const hit = cache.get(teamId);
      if (hit) return hit;
      const built = build(teamId).then(
        (team) => {
          // Not installed: not kept (an install may land any moment, on any instance).
          if (!team) cache.delete(teamId);
          return team;
        },
        (err: unknown) => {
          cache.delete(teamId);
          throw err;
        },
      );
      cache.set(teamId, built);
      return built;
    },
    async forTeam(teamId) {
      const team = await workspaces.teamDeps(teamId);
      return team?.connected ? team.deps : null;
    },
    invalidate(teamId) {
      cache.delete(teamId);
    },
    get size() {
      return cache.size;
    },
  };
  return workspaces;
}
