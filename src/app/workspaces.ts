import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AgileClient } from '../platform/agile/index.js';
import type { AuditTrail } from '../platform/audit.js';
import { currentRequest } from '../platform/request-context.js';
import type { PersonalAgileAccount, WorkspacesRepository } from '../platform/store/workspaces.js';
import type { Connection } from '../platform/workspace/connection.js';
import type { Deps } from './deps.js';

/** How many teams' deps (Agile clients, caches, Slack client) are kept in memory at once. */
export const MAX_CACHED_TEAMS = 500;
/** Kept at most this long, then rebuilt from the store (fresh caches). */
const TEAM_TTL_MS = 5 * 60_000;
/**
 * A cached team used after this long is compared with the store in the background (its installation,
 * Agile accounts and settings): another instance's connect, disconnect or settings change reaches this
 * one within about this long, without rebuilding caches when nothing changed. This instance's own
 * changes invalidate at once.
 */
export const TEAM_REVALIDATE_MS = 30_000;

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

const LAZY_CORE_KEYS = [
  'slackClient',
  'slackUsers',
  'owners',
  'contactSearch',
  'deals',
  'tickets',
  'home',
  'digestPoster',
] as const satisfies readonly (keyof TeamCore)[];

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
  /** The team's Slack side read past any cache (the background comparison); default slackOf. */
  freshSlackOf?(teamId: string): Promise<TeamSlack | undefined>;
  /** The comparison found the store changed (another instance): drop other caches of the team too. */
  onStale?(teamId: string): void;
  nowMs?: () => number;
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

/** When a cached team was last compared with the store, and what the store held then. */
interface Checked {
  atMs: number;
  fingerprint: string;
  running: boolean;
}

/** One digest of everything a team's deps are built from (secrets included, hashed: never kept twice). */
function fingerprintOf(
  slack: TeamSlack | undefined,
  account: TeamAgileAccount | undefined,
  personal: PersonalAgileAccount[],
  settings: unknown,
): string {
  const people = personal
    .map((p) => [p.slackUserId, p.email, p.apiKey])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const facts = [slack?.botToken, slack?.installerUserId, account, people, settings];
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex');
}

/**
 * Every team's deps, built on first use and kept in a bounded LRU: its Slack client with its own bot
 * token, its Agile client from its connected account, its caches, its settings and connections.
 * Writes by a member with a personal Agile connection go out with their own client (Agile records them
 * as the author; the audit records their email).
 */
export function createWorkspaces(opts: WorkspacesOptions): Workspaces {
  const { shared } = opts;
  const nowMs = opts.nowMs ?? Date.now;
  const checks = new WeakMap<TeamDeps, Checked>();
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
    // Read through to the core (not copied): a team's caches are built when first used (coreOf may be lazy).
    for (const key of LAZY_CORE_KEYS) {
      Object.defineProperty(deps, key, { get: () => core[key], enumerable: true, configurable: true });
    }
    const team: TeamDeps = { deps, connected: account !== undefined };
    checks.set(team, {
      atMs: nowMs(),
      fingerprint: fingerprintOf(slack, account, personalList, settings),
      running: false,
    });
    return team;
  }

  /** Stale-while-revalidate: the cached team serves this request; a changed store drops it for the next. */
  async function revalidate(teamId: string, team: TeamDeps): Promise<void> {
    const check = checks.get(team);
    if (!check || check.running || nowMs() - check.atMs < TEAM_REVALIDATE_MS) return;
    check.running = true;
    try {
      const [slack, account, personalList, settings] = await Promise.all([
        (opts.freshSlackOf ?? opts.slackOf)(teamId),
        opts.accountOf(teamId),
        opts.repo.listPersonalAccounts(teamId),
        shared.store.settings.get(teamId),
      ]);
      if (fingerprintOf(slack, account, personalList, settings) === check.fingerprint) {
        check.atMs = nowMs();
        return;
      }
      shared.logger.info(
        { teamId },
        'workspace changed in the store (another instance): rebuilt on next use',
      );
      opts.onStale?.(teamId);
      workspaces.invalidate(teamId);
    } catch (err) {
      shared.logger.warn({ err, teamId }, 'could not compare a cached workspace with the store');
    } finally {
      check.running = false;
    }
  }

  const workspaces: Workspaces = {
    teamDeps(teamId) {
      const hit = cache.get(teamId);
      if (hit) {
        void hit.then((team) => (team ? revalidate(teamId, team) : undefined)).catch(() => undefined);
        return hit;
      }
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
