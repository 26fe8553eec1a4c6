import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ContactSearch } from '../features/contacts/contact-search.js';
import type { DigestOverview } from '../features/digest/overview.js';
import type { DigestPoster } from '../features/digest/poster.js';
import type { HomeService } from '../features/home/service.js';
import type { DealDirectory } from '../features/pipeline/deal-directory.js';
import type { TicketService } from '../features/ticket/tickets.js';
import type { AgileClient } from '../platform/agile/index.js';
import type { OwnerDirectory } from '../platform/agile/owner-directory.js';
import type { AuditTrail } from '../platform/audit.js';
import type { InFlight } from '../platform/in-flight.js';
import type { Metrics } from '../platform/metrics.js';
import type { SlackUserDirectory } from '../platform/slack/user-directory.js';
import type { Store } from '../platform/store/index.js';
import type { AgileAccounts } from '../platform/workspace/accounts.js';
import type { Connection } from '../platform/workspace/connection.js';
import type { WorkspaceSettings } from '../platform/workspace/settings.js';

/** What every listener, service and the scheduler may use. Built once in bot.ts. */
export interface Deps {
  logger: Logger;
  agile: AgileClient;
  store: Store;
  /** Connecting and disconnecting Agile accounts (workspace and personal); tells per-team caches. */
  accounts: AgileAccounts;
  /** An Agile client for one login at one domain (AGILE_BASE_URL's `{domain}` filled; null: the bot's own base URL). */
  agileClientFor(
    domain: string | null,
    email: string,
    apiKey: string,
    options?: { timeoutMs?: number; retries?: number },
  ): AgileClient;
  /** The workspace's Agile account comes from AGILE_* (single-workspace mode): `/crm connect`/`disconnect` can't change it. */
  agileAccountFromEnv: boolean;
  now: () => Date;
  /** Slack user profiles (time zone, email, name) and email → Slack user id, cached. */
  slackUsers: SlackUserDirectory;
  /** Agile domain users (task and deal owners), cached. */
  owners: OwnerDirectory;
  /** Contact picker search, cached so options loads answer within Slack's 3 s. */
  contactSearch: ContactSearch;
  /** Deals (picker search, recent writes) and tracks, cached for the deal and move features. */
  deals: DealDirectory;
  /** Ticket reads with the open tickets cached (the reply modal, its picker and the quick reply share it). */
  tickets: TicketService;
  /** Call right after ack(): yields until requests still waiting for their ack have been answered. */
  afterPendingAcks: () => Promise<void>;
  /** Listener work still running after its ack (shutdown drains it; tests wait for idle). */
  inFlight: InFlight;
  /** Paced bulk posting of digests (its own Slack client). */
  digestPoster: DigestPoster;
  /** Prometheus metrics (GET /metrics); the digest scheduler's last tick for `/crm status`. */
  metrics: Metrics;
  /** Enabled digests, their last run and next post, for `/crm status`. */
  digestOverview: () => Promise<DigestOverview>;
  /** The bot's start (uptime in `/crm status`). */
  startedAt: Date;
  /** App Home: its Agile data per team and user (kept a minute), and re-publishing a user's Home tab. */
  home: HomeService;
  /** Records every CRM write made from Slack (who, as which Agile user, what, outcome). */
  audit: AuditTrail;
  /** The request's team ('' in the top-level deps: background work calls forTeam). */
  teamId: string;
  /** The team's admin settings (the permission switches); defaults until an admin changes them. */
  settings: WorkspaceSettings;
  /** The workspace's and the acting user's Agile connections. */
  connection: Connection;
  /** This team's Agile domain ('acme' of acme.agilecrm.com; 'sandbox' for the embedded sandbox), null if unknown. */
  agileDomain: string | null;
  /** Seconds between two polls of the followed records (CRM_POLL_INTERVAL). */
  followPollIntervalSec: number;
  /** Seconds a public ticket reply is held (with Cancel) before it is sent; 0 = at once (TICKET_REPLY_HOLD_SECONDS). */
  ticketReplyHoldSec: number;
  /** The Slack Web API with this team's bot token (background work: pollers, DMs outside a request). */
  slackClient: WebClient;
  /**
   * This team's deps (its Agile connection and caches, its Slack token), or null when the team is not
   * installed or not connected to Agile. Listeners already get their request's team; background work
   * (scheduler, pollers) keeps team_id in its rows and calls this.
   */
  forTeam(teamId: string): Promise<Deps | null>;
}
