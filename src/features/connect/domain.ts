/**
 * An Agile domain as people type it: `acme`, `acme.agilecrm.com`, `https://acme.agilecrm.com/#contacts`
 * or `ACME ` all mean the account `acme`. Agile domains are DNS labels: letters, digits and hyphens,
 * not starting or ending with a hyphen.
 */
export type DomainParse = { ok: true; domain: string } | { ok: false; message: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DOMAIN_HINT =
  'Type your Agile domain: the part before .agilecrm.com in your Agile address (e.g. acme for acme.agilecrm.com)';

export function normalizeAgileDomain(input: string): DomainParse {
  let text = input.trim().toLowerCase();
  if (text === '') return { ok: false, message: DOMAIN_HINT };
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  // Whatever follows the host (a path, a #fragment, a query, a port) is not part of the domain.
  text = text.split(/[/?#:]/, 1)[0] ?? '';
  text = text.replace(/^www\./, '').replace(/\.$/, '');
  const host = text.endsWith('.agilecrm.com') ? text.slice(0, -'.agilecrm.com'.length) : text;
  if (host === '' || host === 'agilecrm.com') return { ok: false, message: DOMAIN_HINT };
  if (host.includes('.')) {
    return {
      ok: false,
      message: `“${short(input)}” is not an Agile address: ${DOMAIN_HINT.charAt(0).toLowerCase()}${DOMAIN_HINT.slice(1)}`,
    };
  }
  if (!LABEL.test(host)) {
    return {
      ok: false,
      message: 'An Agile domain has only letters, digits and hyphens (e.g. acme for acme.agilecrm.com)',
    };
  }
  return { ok: true, domain: host };
}

function short(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
