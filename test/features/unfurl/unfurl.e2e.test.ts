import { describe, expect, it } from 'vitest';
import { DEFAULT_USERS, type FakeUser } from '../../helpers/fake-slack.js';
import { CHANNEL, linkSharedEvent, TEAM, USER } from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

const DOMAIN = 'acmecrm';
const person = { tz: 'Europe/London', displayName: 'x' };
const GUEST: FakeUser = { ...person, id: 'U0GUEST', name: 'gus', realName: 'Gus Guest', isRestricted: true };
/** Slack Connect: another organisation's user (users.info says so). */
const STRANGER: FakeUser = {
  ...person,
  id: 'U0STRANGE',
  name: 'sten',
  realName: 'Sten Ranger',
  teamId: 'T0OTHER',
  isStranger: true,
};
// debug: a link that gets no card leaves a debug line (and only that).
const t = useTestBot({
  env: { AGILE_DOMAIN: DOMAIN, LOG_LEVEL: 'debug' },
  users: [...DEFAULT_USERS, GUEST, STRANGER],
});
const sim = () => simulatorOf(t);

type Unfurls = Record<string, { blocks: { type: string; text?: { text: string } }[] }>;

const unfurlCalls = () => t.slack.calls('chat.unfurl');
const cardText = (unfurls: Unfurls, url: string) =>
  (unfurls[url]?.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');

function contactId(email: string): string {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value === email),
  );
  if (!c) throw new Error(`no seed contact ${email}`);
  return c.id;
}

async function share(urls: string[], opts?: Parameters<typeof linkSharedEvent>[1]) {
  const res = await t.event(linkSharedEvent(urls, opts));
  expect(res.status).toBe(200);
  await t.idle();
}

describe('link unfurls', () => {
  it('a contact, a company, a deal and a ticket link each unfurl into a compact card', async () => {
    const s = sim().state;
    const contact = contactId('ada.lovelace@northwind.example.com');
    const company = s.companies[0];
    const deal = s.deals[0];
    const ticket = s.tickets[0];
    if (!company || !deal || !ticket) throw new Error('seed data missing');
    deal.name = '<!channel> *Big* renewal';
    const urls = [
      `https://${DOMAIN}.agilecrm.com/#contact/${contact}`,
      `https://${DOMAIN}.agilecrm.com/#company/${company.id}/`,
      `https://www.${DOMAIN}.agilecrm.com/?ref=slack#deal/${deal.id}`,
      `https://${DOMAIN}.agilecrm.com/#tickets/filter/1/ticket/${ticket.id}`,
      // Not ours: another Agile domain, and a page that is no record.
      `https://other.agilecrm.com/#contact/${contact}`,
      `https://${DOMAIN}.agilecrm.com/#deals`,
    ];
    await share(urls);

    const [call] = unfurlCalls();
    expect(call?.args).toMatchObject({ channel: CHANNEL.id, ts: '1767225600.000100' });
    const unfurls = call?.args.unfurls as Unfurls;
    expect(Object.keys(unfurls).sort()).toEqual(urls.slice(0, 4).sort());
    const [contactUrl = '', companyUrl = '', dealUrl = '', ticketUrl = ''] = urls;
    expect(cardText(unfurls, contactUrl)).toContain('Ada Lovelace');
    expect(cardText(unfurls, contactUrl)).toContain('ada.lovelace@northwind.example.com');
    expect(cardText(unfurls, contactUrl)).toContain(`https://${DOMAIN}.agilecrm.com/#contact/${contact}`);
    expect(cardText(unfurls, companyUrl)).toContain('🏢 Company');
    const dealCard = cardText(unfurls, dealUrl);
    expect(dealCard).toContain('&lt;!channel&gt; *Big* renewal');
    expect(dealCard).not.toContain('<!channel>');
    expect(dealCard).toContain(`Milestone *${deal.milestone}*`);
    expect(cardText(unfurls, ticketUrl)).toContain(`#${ticket.id}`);
    t.slack.assertNoViolations();
  });

  it.each([
    ['a guest', GUEST, 'guest'],
    ['another organisation’s user', STRANGER, 'external'],
  ])('a link posted by %s unfurls nothing and reads nothing from Agile', async (_label, user, reason) => {
    const url = `https://${DOMAIN}.agilecrm.com/#contact/${contactId('ada.lovelace@northwind.example.com')}`;
    const before = sim().requests.length;
    await share([url], { user: user.id });
    expect(unfurlCalls()).toEqual([]);
    expect(sim().requests.slice(before)).toEqual([]);
    expect(t.logs.some((l) => l.msg === 'request refused: not a member' && l.reason === reason)).toBe(true);
    // The same link from a member of the workspace unfurls.
    await share([url]);
    expect(unfurlCalls()).toHaveLength(1);
  });

  it('an unknown record gets no unfurl and nothing in the channel, only a debug line', async () => {
    const logged = t.logs.length;
    await share([`https://${DOMAIN}.agilecrm.com/#contact/999999999999`]);
    expect(unfurlCalls()).toEqual([]);
    expect(t.logs.slice(logged).find((l) => l.msg === 'unfurl: no such record')).toMatchObject({
      level: 20,
      kind: 'contact',
      id: '999999999999',
    });
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
    expect(t.slack.calls('chat.postEphemeral')).toEqual([]);
  });

  it('a CRM refusing the read (401) unfurls nothing and says nothing in the channel', async () => {
    const deal = sim().state.deals[1];
    if (!deal) throw new Error('seed data missing');
    sim().faults.failNext(5, 401);
    const logged = t.logs.length;
    await share([`https://${DOMAIN}.agilecrm.com/#deal/${deal.id}`]);
    expect(unfurlCalls()).toEqual([]);
    expect(t.logs.slice(logged).find((l) => l.msg === 'unfurl: record not readable')).toMatchObject({
      level: 20,
      kind: 'auth',
    });
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
  });

  it('the same link posted ten times costs one Agile read', async () => {
    const id = sim().state.contacts[3]?.id ?? '';
    const url = `https://${DOMAIN}.agilecrm.com/#contact/${id}`;
    for (let i = 0; i < 10; i++) await share([url], { messageTs: `1767225600.00020${i}` });
    expect(unfurlCalls()).toHaveLength(10);
    const reads = sim().requests.filter((r) => r.method === 'GET' && r.path.endsWith(`api/contacts/${id}`));
    expect(reads).toHaveLength(1);
  });

  it('an externally shared channel gets no unfurl', async () => {
    t.slack.channels.set('C0SHARED', { name: 'partners', isExtShared: true });
    const id = contactId('ada.lovelace@northwind.example.com');
    await share([`https://${DOMAIN}.agilecrm.com/#contact/${id}`], { channel: 'C0SHARED' });
    expect(unfurlCalls()).toEqual([]);
    expect(sim().requests.filter((r) => r.path.includes('api/contacts/'))).toEqual([]);
  });

  it('an externally shared channel gets cards when the workspace admin allows it', async () => {
    t.slack.channels.set('C0SHARED', { name: 'partners', isExtShared: true });
    const id = contactId('ada.lovelace@northwind.example.com');
    // The admin's switch (App Home) is a store row: every request of the team reads it from there.
    const settings = t.bot.deps.store.settings;
    const before = await settings.get(TEAM.id);
    await settings.save(TEAM.id, { ...before, externalChannelsAllowed: true }, USER.id);
    try {
      await share([`https://${DOMAIN}.agilecrm.com/#contact/${id}`], { channel: 'C0SHARED' });
    } finally {
      await settings.save(TEAM.id, before, USER.id);
    }
    expect(unfurlCalls()).toHaveLength(1);
    t.slack.assertNoViolations();
  });
});
