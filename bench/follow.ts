import { pathToFileURL } from 'node:url';
import type { FollowKind } from '../src/platform/store/index.js';
import { startTestBot } from '../test/helpers/test-bot.js';

/**
 * "Follow polling" (issue 12): 500 records followed across 10 channels (400 deals, 50 contacts, 50
 * tickets) in the Agile simulator; the real bot's poller ticks through the baseline poll, a quiet poll
 * and a poll where 5% of the deals changed and 20 notes arrived. Agile calls are counted at the
 * simulator; the tick is timed end to end (store claims, reads, diff, thread posts to the fake Slack).
 */
const DEALS = 400;
const CONTACTS = 50;
const TICKETS = 50;
const CHANNELS = 10;
const INTERVAL_MS = 300_000;

const ms = (n: number) => Math.round(n * 10) / 10;

export async function runFollowBench(): Promise<Record<string, number | string>> {
  let offsetMs = 0;
  const t = await startTestBot({
    now: () => new Date(Date.now() + offsetMs),
    simulator: { maxRecordedRequests: 1_000_000 },
    scheduler: { enabled: false, perChannelIntervalMs: 0 },
    followPoller: { enabled: false },
    env: { LOG_LEVEL: 'warn' },
  });
  try {
    const sim = t.agile;
    if (!sim) throw new Error('the bench needs the simulator');
    const state = sim.state;
    const seedDeal = state.deals[0];
    const seedContact = state.contacts.find((c) => c.type === 'PERSON');
    const seedTicket = state.tickets[0];
    const seedNote = state.ticketNotes.find((n) => n.ticketId === seedTicket?.id);
    if (!seedDeal || !seedContact || !seedTicket || !seedNote) throw new Error('seed data missing');
    let next = 7_000_000_000_000_000;
    const id = () => String(next++);
    const follows: { kind: FollowKind; recordId: string; label: string }[] = [];
    for (let i = 0; i < DEALS; i++) {
      const d = { ...seedDeal, id: id(), name: `Bench deal ${i}`, contactIds: [] };
      state.deals.push(d);
      follows.push({ kind: 'deal', recordId: d.id, label: d.name });
    }
    for (let i = 0; i < CONTACTS; i++) {
      const c = { ...seedContact, id: id() };
      state.contacts.push(c);
      follows.push({ kind: 'contact', recordId: c.id, label: `Bench contact ${i}` });
    }
    for (let i = 0; i < TICKETS; i++) {
      const ticket = { ...seedTicket, id: String(100_000 + i) };
      state.tickets.push(ticket);
      state.ticketNotes.push({ ...seedNote, id: id(), ticketId: ticket.id });
      follows.push({ kind: 'ticket', recordId: ticket.id, label: `Bench ticket ${i}` });
    }
    const store = t.bot.deps.store;
    for (const [i, f] of follows.entries()) {
      const added = await store.follows.add({
        teamId: 'T0TEST',
        channelId: `C0BENCH${i % CHANNELS}`,
        createdBy: 'U0ALICE',
        ...f,
      });
      if (added) await store.follows.setThread(added.id, `1767225600.${String(i).padStart(6, '0')}`);
    }

    const poll = async () => {
      offsetMs += INTERVAL_MS;
      const before = sim.requests.length;
      const posts = t.slack.calls('chat.postMessage').length;
      const started = performance.now();
      const report = await t.bot.followPoller.tick();
      const elapsed = performance.now() - started;
      const paths = sim.requests.slice(before).map((r) => r.path);
      return {
        report,
        elapsed,
        calls: paths.length,
        listPages: paths.filter((p) => /api\/opportunity$/.test(p)).length,
        posted: t.slack.calls('chat.postMessage').length - posts,
      };
    };

    const baseline = await poll();
    const quiet = await poll();
    const benchDeals = state.deals.filter((d) => d.name.startsWith('Bench deal'));
    for (const d of benchDeals.slice(0, DEALS / 20)) d.milestone = d.milestone === 'Won' ? 'Lost' : 'Won';
    for (let i = 0; i < 20; i++) {
      state.notes.push({
        id: id(),
        subject: `Bench note ${i}`,
        description: 'Called',
        createdEpochSec: Math.floor(Date.now() / 1000),
        contactIds: [],
        dealIds: [benchDeals[100 + i]?.id ?? ''],
        ownerId: seedDeal.ownerId,
      });
    }
    const busy = await poll();
    const naive = DEALS * 2 + CONTACTS * 2 + TICKETS;
    return {
      'followed records': follows.length,
      'Agile calls, baseline poll': baseline.calls,
      'Agile calls, quiet poll': quiet.calls,
      'Agile calls, poll with changes': busy.calls,
      'of which deal list pages': quiet.listPages,
      'calls per record (quiet poll)': Math.round((quiet.calls / follows.length) * 1000) / 1000,
      'one GET per record + its notes would be': naive,
      'tick ms, baseline': ms(baseline.elapsed),
      'tick ms, quiet': ms(quiet.elapsed),
      'tick ms, with changes': ms(busy.elapsed),
      'thread posts, with changes': busy.posted,
      'expected posts (20 moves + 20 notes)': DEALS / 20 + 20,
    };
  } finally {
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await runFollowBench());
  process.exit(0);
}
