import type { Deps } from '../../app/deps.js';
import { type AgileClient, AgileError } from '../../platform/agile/index.js';
import { BLOCK } from '../../platform/slack/ids.js';
import type { ConnectScope } from '../command/grammar.js';

/** A connect that did not pass the live check: the words, and the input they belong under. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly block: string,
    message: string,
  ) {
    super(message);
  }
}

/** The live check's own limit (the form shows "Checking…" after 2.5 s and waits for this at most). */
const CHECK_TIMEOUT_MS = 10_000;

export const REFUSED_KEY = 'Agile refused this email and API key';

export type ConnectDeps = Pick<
  Deps,
  'accounts' | 'agileClientFor' | 'store' | 'now' | 'agileAccountFromEnv' | 'agileDomain' | 'connection'
>;

/** The workspace's Agile account as the connect flow sees it; null = not connected. */
export interface WorkspaceAgile {
  domain: string | null;
  email: string;
  /** 'env': AGILE_* configure it (single-workspace mode), it cannot be changed from Slack. */
  source: 'env' | 'store';
}

export async function workspaceAgile(deps: ConnectDeps, teamId: string): Promise<WorkspaceAgile | null> {
  if (deps.agileAccountFromEnv) {
    const email = deps.connection.workspace?.email ?? '';
    return { domain: deps.connection.workspace?.domain ?? deps.agileDomain, email, source: 'env' };
  }
  const stored = await deps.store.workspaces.getWorkspaceAccount(teamId);
  return stored ? { domain: stored.domain, email: stored.email, source: 'store' } : null;
}

const where = (domain: string | null) => (domain ? `${domain}.agilecrm.com` : 'the Agile address');

/**
 * The live check: a documented read (GET api/milestone/pipelines, which every account can read) with
 * the typed login. A refusal is the key's (or the email's) fault; no Agile at that domain is the domain's.
 */
export async function checkAgileLogin(client: Pick<AgileClient, 'tracks'>, domain: string | null) {
  try {
    await client.tracks.list();
  } catch (err) {
    throw connectErrorOf(err, domain);
  }
}

export function connectErrorOf(err: unknown, domain: string | null): ConnectError {
  if (!(err instanceof AgileError)) {
    return new ConnectError(BLOCK.agileDomain, `Could not check with ${where(domain)}: try again`);
  }
  switch (err.kind) {
    case 'auth':
      return new ConnectError(
        BLOCK.agileApiKey,
        `${REFUSED_KEY}: use the email you log in to Agile with and the REST API key from Admin Settings → API`,
      );
    case 'not_found':
      return new ConnectError(
        BLOCK.agileDomain,
        `No Agile CRM account at ${where(domain)}: check the domain`,
      );
    case 'bad_response':
      return new ConnectError(
        BLOCK.agileDomain,
        `${where(domain)} did not answer like an Agile CRM account: check the domain`,
      );
    case 'unavailable':
      if (err.status !== undefined) {
        return new ConnectError(
          BLOCK.agileDomain,
          `Agile CRM is not answering properly right now (HTTP ${err.status}): try again in a few minutes`,
        );
      }
      return new ConnectError(
        BLOCK.agileDomain,
        err.timedOut
          ? `${where(domain)} did not answer in time: check the domain, or try again in a few minutes`
          : `Could not reach ${where(domain)}: check the domain`,
      );
    case 'rate_limited':
      return new ConnectError(
        BLOCK.agileApiKey,
        'Agile is rate limiting this account: try again in a minute',
      );
    default:
      return new ConnectError(
        BLOCK.agileDomain,
        `Agile answered HTTP ${err.status ?? '?'} to the check: check the domain and try again`,
      );
  }
}

export interface ConnectRequest {
  scope: ConnectScope;
  teamId: string;
  userId: string;
  /** The account's domain: typed (workspace) or the workspace's (personal); null when unknown. */
  domain: string | null;
  email: string;
  apiKey: string;
}

/** What a successful connect tells (never the key). */
export interface Connected {
  scope: ConnectScope;
  domain: string | null;
  email: string;
  /** Workspace connected to another domain, which removed members' personal connections: the old domain, how many. */
  replaced?: { domain: string; personalRemoved: number };
}

/** Checks the login live, then stores it (encrypted by the store); nothing is stored unless the check passes. */
export async function connectAgile(deps: ConnectDeps, req: ConnectRequest): Promise<Connected> {
  // One attempt, bounded: a wrong domain must not keep the user waiting through retries.
  const client = deps.agileClientFor(req.domain, req.email, req.apiKey, {
    timeoutMs: CHECK_TIMEOUT_MS,
    retries: 0,
  });
  await checkAgileLogin(client, req.domain);
  const connectedMs = deps.now().getTime();
  if (req.scope === 'workspace') {
    const change = await deps.accounts.connectWorkspace(req.teamId, {
      domain: req.domain ?? '',
      email: req.email,
      apiKey: req.apiKey,
      connectedBy: req.userId,
      connectedMs,
    });
    // The store removed members' personal connections only if the domain changed (setWorkspaceAccount).
    const { previousDomain, personalRemoved } = change;
    if (previousDomain !== null && personalRemoved.length > 0) {
      return {
        scope: req.scope,
        domain: req.domain,
        email: req.email,
        replaced: { domain: previousDomain, personalRemoved: personalRemoved.length },
      };
    }
  } else {
    await deps.accounts.connectPersonal(req.teamId, {
      slackUserId: req.userId,
      email: req.email,
      apiKey: req.apiKey,
      connectedMs,
    });
  }
  return { scope: req.scope, domain: req.domain, email: req.email };
}

/** What is connected for this scope now (for the confirmation), or null. */
export async function currentAccount(
  deps: ConnectDeps,
  scope: ConnectScope,
  teamId: string,
  userId: string,
): Promise<{ domain: string | null; email: string; source: 'env' | 'store' } | null> {
  if (scope === 'workspace') return workspaceAgile(deps, teamId);
  const personal = await deps.store.workspaces.getPersonalAccount(teamId, userId);
  if (!personal) return null;
  const workspace = await workspaceAgile(deps, teamId);
  return { domain: workspace?.domain ?? null, email: personal.email, source: 'store' };
}

export async function disconnectAgile(
  deps: ConnectDeps,
  scope: ConnectScope,
  teamId: string,
  userId: string,
): Promise<void> {
  if (scope === 'workspace') await deps.accounts.disconnectWorkspace(teamId);
  else await deps.accounts.disconnectPersonal(teamId, userId);
}
