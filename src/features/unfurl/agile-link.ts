/**
 * Links to Agile CRM records, as the Agile web app writes them: the record is in the fragment,
 * `https://{domain}.agilecrm.com/#contact/{id}`. Parsing is generous (any case, a `www.` in front,
 * `#/contact/…`, a trailing slash, a query string before or inside the fragment, plural or older
 * names such as `#deals/…`, `#opportunity/…`, `#tickets/filter/{filter}/ticket/{id}`) but strict
 * about the domain: only the workspace's own Agile domain unfurls.
 */

export type AgileRecordKind = 'contact' | 'company' | 'deal' | 'ticket';

export interface AgileLink {
  kind: AgileRecordKind;
  /** Agile ids are decimal numbers (longs); kept as text. */
  id: string;
}

const KIND_OF_SEGMENT: Record<string, AgileRecordKind> = {
  contact: 'contact',
  contacts: 'contact',
  person: 'contact',
  company: 'company',
  companies: 'company',
  deal: 'deal',
  deals: 'deal',
  opportunity: 'deal',
  opportunities: 'deal',
  ticket: 'ticket',
  tickets: 'ticket',
};

const ID = /^\d{1,20}$/;

/** `acme.agilecrm.com` or `www.acme.agilecrm.com` for domain 'acme' (any case); anything else is not ours. */
function isOwnHost(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const own = `${domain.toLowerCase()}.agilecrm.com`;
  return h === own || h === `www.${own}`;
}

/**
 * The record a URL links to, or null when it is not a record link of `domain`'s Agile. The record
 * is the last `{kind}/{id}` pair of the fragment, so `#tickets/filter/57/ticket/12` is ticket 12.
 */
export function parseAgileLink(url: string, domain: string): AgileLink | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (!isOwnHost(parsed.hostname, domain)) return null;
  const fragment = decodeURIComponentSafe(parsed.hash.replace(/^#!?/, '')).split(/[?&]/)[0]?.trim();
  if (!fragment) return null;
  const segments = fragment.split('/').filter((s) => s !== '');
  for (let i = segments.length - 2; i >= 0; i--) {
    const kind = KIND_OF_SEGMENT[segments[i]?.toLowerCase() ?? ''];
    const id = segments[i + 1] ?? '';
    if (kind && ID.test(id)) return { kind, id };
  }
  return null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The canonical link to a record (what a card's title links to). */
export function agileRecordUrl(domain: string, link: AgileLink): string {
  return `https://${domain}.agilecrm.com/#${link.kind}/${link.id}`;
}
