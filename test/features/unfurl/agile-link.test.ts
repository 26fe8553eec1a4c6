import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AgileRecordKind,
  agileRecordUrl,
  parseAgileLink,
} from '../../../src/features/unfurl/agile-link.js';

const D = 'acme';

describe('parseAgileLink', () => {
  it.each([
    ['https://acme.agilecrm.com/#contact/5712', { kind: 'contact', id: '5712' }],
    ['https://acme.agilecrm.com/#contact/5712/', { kind: 'contact', id: '5712' }],
    ['https://ACME.AgileCRM.com/#Contact/5712', { kind: 'contact', id: '5712' }],
    ['https://www.acme.agilecrm.com/#contact/5712', { kind: 'contact', id: '5712' }],
    ['http://acme.agilecrm.com/#/contact/5712', { kind: 'contact', id: '5712' }],
    ['https://acme.agilecrm.com/?utm=x#contact/5712', { kind: 'contact', id: '5712' }],
    ['https://acme.agilecrm.com/#contact/5712?tab=notes', { kind: 'contact', id: '5712' }],
    ['https://acme.agilecrm.com/#contact/5712/notes', { kind: 'contact', id: '5712' }],
    ['https://acme.agilecrm.com/#company/88', { kind: 'company', id: '88' }],
    ['https://acme.agilecrm.com/#companies/88', { kind: 'company', id: '88' }],
    ['https://acme.agilecrm.com/#deal/42', { kind: 'deal', id: '42' }],
    ['https://acme.agilecrm.com/#deals/42', { kind: 'deal', id: '42' }],
    ['https://acme.agilecrm.com/#opportunity/42', { kind: 'deal', id: '42' }],
    ['https://acme.agilecrm.com/#ticket/7', { kind: 'ticket', id: '7' }],
    ['https://acme.agilecrm.com/#tickets/7', { kind: 'ticket', id: '7' }],
    ['https://acme.agilecrm.com/#tickets/filter/5716/ticket/7', { kind: 'ticket', id: '7' }],
  ])('%s', (url, expected) => {
    expect(parseAgileLink(url, D)).toEqual(expected);
  });

  it.each([
    'https://other.agilecrm.com/#contact/5712',
    'https://acme.agilecrm.com.evil.example/#contact/5712',
    'https://evil.example/acme.agilecrm.com/#contact/5712',
    'https://xacme.agilecrm.com/#contact/5712',
    'https://acme.agilecrm.com/#contacts',
    'https://acme.agilecrm.com/#deals',
    'https://acme.agilecrm.com/#tickets/filter/5716',
    'https://acme.agilecrm.com/#contact/abc',
    'https://acme.agilecrm.com/contact/5712',
    'ftp://acme.agilecrm.com/#contact/5712',
    'not a url',
    '',
  ])('not a record of this domain: %s', (url) => {
    expect(parseAgileLink(url, D)).toBeNull();
  });

  const kinds: AgileRecordKind[] = ['contact', 'company', 'deal', 'ticket'];
  const id = fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String);
  const domain = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);

  it('reads back every canonical record link, whatever the domain', () => {
    fc.assert(
      fc.property(domain, fc.constantFrom(...kinds), id, (d, kind, recordId) => {
        expect(parseAgileLink(agileRecordUrl(d, { kind, id: recordId }), d)).toEqual({ kind, id: recordId });
      }),
    );
  });

  it('never takes another domain’s link for ours', () => {
    fc.assert(
      fc.property(domain, domain, fc.constantFrom(...kinds), id, (ours, theirs, kind, recordId) => {
        fc.pre(ours !== theirs);
        expect(parseAgileLink(agileRecordUrl(theirs, { kind, id: recordId }), ours)).toBeNull();
      }),
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), domain, (s, d) => {
        const parsed = parseAgileLink(s, d);
        if (parsed) expect(parsed.id).toMatch(/^\d+$/);
      }),
    );
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), (u) => {
        expect(() => parseAgileLink(u, D)).not.toThrow();
      }),
    );
  });
});
