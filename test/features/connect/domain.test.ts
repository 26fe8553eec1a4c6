import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAgileDomain } from '../../../src/features/connect/domain.js';

const ok = (input: string) => {
  const parsed = normalizeAgileDomain(input);
  if (!parsed.ok) throw new Error(`${input}: ${parsed.message}`);
  return parsed.domain;
};

describe('normalizeAgileDomain', () => {
  it.each([
    ['acme', 'acme'],
    ['  ACME ', 'acme'],
    ['acme.agilecrm.com', 'acme'],
    ['Acme.AgileCRM.com.', 'acme'],
    ['https://acme.agilecrm.com', 'acme'],
    ['https://acme.agilecrm.com/', 'acme'],
    ['https://acme.agilecrm.com/#contacts', 'acme'],
    ['http://www.acme.agilecrm.com/dev/api?x=1', 'acme'],
    ['acme.agilecrm.com:443/login', 'acme'],
    ['my-company2', 'my-company2'],
  ])('%j → %s', (input, domain) => {
    expect(ok(input)).toBe(domain);
  });

  it.each([
    ['', /Agile domain/],
    ['   ', /Agile domain/],
    ['agilecrm.com', /Agile domain/],
    ['https://agilecrm.com/', /Agile domain/],
    ['acme.example.com', /not an Agile address/],
    ['acme.agilecrm.com.evil.com', /not an Agile address/],
    ['acme corp', /letters, digits and hyphens/],
    ['-acme', /letters, digits and hyphens/],
    ['acme-', /letters, digits and hyphens/],
    ['ac_me', /letters, digits and hyphens/],
    ['ácme', /letters, digits and hyphens/],
  ])('%j is refused', (input, words) => {
    const parsed = normalizeAgileDomain(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(words);
  });

  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);

  it('property: every way of writing a domain gives the domain back', () => {
    const forms = [
      (d: string) => d,
      (d: string) => d.toUpperCase(),
      (d: string) => `${d}.agilecrm.com`,
      (d: string) => `https://${d}.agilecrm.com/`,
      (d: string) => `https://${d}.AgileCRM.com/#deals`,
      (d: string) => `  http://www.${d}.agilecrm.com/dev/api/contacts?page_size=1 `,
    ];
    fc.assert(
      fc.property(label, fc.constantFrom(...forms), (domain, form) => {
        expect(normalizeAgileDomain(form(domain))).toEqual({ ok: true, domain });
      }),
    );
  });

  it('property: never throws, and what it accepts is a valid label', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const parsed = normalizeAgileDomain(text);
        if (parsed.ok) expect(parsed.domain).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
        else expect(parsed.message.length).toBeGreaterThan(0);
      }),
    );
  });
});
