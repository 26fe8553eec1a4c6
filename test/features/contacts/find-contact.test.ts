import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { findContactByEmail, findContactsByEmail } from '../../../src/features/contacts/find-contact.js';
import { type AgileClient, getFullName } from '../../../src/platform/agile/index.js';
import { useClientAndSimulator } from '../../platform/agile/sim.js';

let sim: AgileSimulator;
let agile: AgileClient;
useClientAndSimulator((started) => {
  ({ sim, client: agile } = started);
});

const emailSearches = () =>
  sim.requests
    .filter((r) => r.path.includes('search'))
    .map((r) => decodeURIComponent(r.path.split('?')[0] ?? ''));

describe('findContactByEmail', () => {
  it('finds a contact stored with capitals when typed in lower case (full-text, case-insensitive)', async () => {
    const found = await findContactByEmail(agile, '  grace.hopper@example.com ');
    expect(found && getFullName(found)).toMatch(/Grace/);
    expect(emailSearches()).toHaveLength(2);
  });

  it('stops at the exact match typed as stored', async () => {
    expect(await findContactsByEmail(agile, 'Grace.Hopper@Example.com')).toHaveLength(1);
    expect(emailSearches()).toHaveLength(1);
  });

  it('null for an email nobody has', async () => {
    expect(await findContactByEmail(agile, 'Nobody@Nowhere.example')).toBeNull();
    expect(emailSearches()).toHaveLength(3);
  });
});
