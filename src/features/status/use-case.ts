import type { Deps } from '../../app/deps.js';
import { appVersion } from '../../platform/app-version.js';
import type { DigestTick } from '../../platform/metrics.js';
import type { MigrationState, Store } from '../../platform/store/index.js';
import { TIMEOUT, within } from '../../platform/within.js';

/** Each check's budget: they run side by side, so the whole answer stays well within Slack's 3 s. */
export const CHECK_BUDGET_MS = 2_000;

/** One check's outcome: its value and how long it took, its failure, or no answer within the budget. */
export type Check<T> =
  | { state: 'ok'; value: T; ms: number }
  | { state: 'failed'; error: unknown; ms: number }
  | { state: 'timeout'; budgetMs: number };

/** Enabled digests, their last run and the next post (the digest feature's, through Deps). */
export type DigestOverview = Awaited<ReturnType<Deps['digestOverview']>>;

export interface StatusReport {
  agile: Check<null>;
  slack: Check<{ team?: string; botUser?: string }>;
  store: { kind: Store['kind']; migrations: Check<MigrationState> };
  /** Null when no scheduler runs in this instance (or it has not ticked yet). */
  lastTick: DigestTick | null;
  digests: Check<DigestOverview>;
  version: string;
  startedAt: Date;
  now: Date;
}

export interface StatusInput {
  /** Slack's auth.test with the bot token (the handler's client). */
  slackAuthTest: () => Promise<{ team?: string; user?: string }>;
  budgetMs?: number;
}

async function check<T>(work: () => Promise<T>, budgetMs: number): Promise<Check<T>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const outcome = await within(
    Promise.resolve()
      .then(work)
      .then(
        (value): Check<T> => ({ state: 'ok', value, ms: elapsed() }),
        (error: unknown): Check<T> => ({ state: 'failed', error, ms: elapsed() }),
      ),
    budgetMs,
  );
  return outcome === TIMEOUT ? { state: 'timeout', budgetMs } : outcome;
}

/** `/crm status`: every check at once, each within its budget (a hanging CRM cannot hold the answer). */
export async function checkStatus(deps: Deps, input: StatusInput): Promise<StatusReport> {
  const budgetMs = input.budgetMs ?? CHECK_BUDGET_MS;
  const now = deps.now();
  const [agile, slack, migrations, digests] = await Promise.all([
    // The cheapest documented read that needs a valid key: one contact.
    check(async () => {
      await deps.agile.contacts.listPage({ pageSize: 1 });
      return null;
    }, budgetMs),
    check(async () => {
      const auth = await input.slackAuthTest();
      return { team: auth.team, botUser: auth.user };
    }, budgetMs),
    check(() => deps.store.migrationState(), budgetMs),
    check(() => deps.digestOverview(), budgetMs),
  ]);
  return {
    agile,
    slack,
    store: { kind: deps.store.kind, migrations },
    lastTick: deps.metrics.lastDigestTick(),
    digests,
    version: appVersion(),
    startedAt: deps.startedAt,
    now,
  };
}
