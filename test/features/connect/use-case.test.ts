import { describe, expect, it, vi } from 'vitest';
import { type ConnectDeps, connectAgile, connectErrorOf } from '../../../src/features/connect/use-case.js';
import { AgileError } from '../../../src/platform/agile/index.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

const request = { method: 'GET', path: 'api/milestone/pipelines' };

describe('connectErrorOf: which input a failed check belongs under', () => {
  it.each([
    [
      new AgileError({ kind: 'auth', status: 401, request, message: 'x' }),
      BLOCK.agileApiKey,
      /Agile refused this email and API key/,
    ],
    [
      new AgileError({ kind: 'auth', status: 403, request, message: 'x' }),
      BLOCK.agileApiKey,
      /Agile refused/,
    ],
    [
      new AgileError({ kind: 'not_found', status: 404, request, message: 'x' }),
      BLOCK.agileDomain,
      /No Agile CRM account at acme\.agilecrm\.com/,
    ],
    [
      new AgileError({ kind: 'unavailable', request, message: 'getaddrinfo ENOTFOUND' }),
      BLOCK.agileDomain,
      /Could not reach acme\.agilecrm\.com/,
    ],
    [
      new AgileError({ kind: 'unavailable', timedOut: true, request, message: 'x' }),
      BLOCK.agileDomain,
      /did not answer in time/,
    ],
    [
      new AgileError({ kind: 'bad_response', badAnswer: 'not_json', status: 200, request, message: 'x' }),
      BLOCK.agileDomain,
      /did not answer like an Agile CRM account/,
    ],
    [
      new AgileError({ kind: 'unavailable', status: 503, request, message: 'x' }),
      BLOCK.agileDomain,
      /HTTP 503/,
    ],
  ])('%s', (err, block, words) => {
    const mapped = connectErrorOf(err, 'acme');
    expect(mapped.block).toBe(block);
    expect(mapped.message).toMatch(words);
  });
});

describe('connectAgile', () => {
  function deps(check: () => Promise<unknown>) {
    const accounts = {
      connectWorkspace: vi.fn(async () => ({ previousDomain: null, personalRemoved: [] })),
      connectPersonal: vi.fn(async () => {}),
      disconnectWorkspace: vi.fn(async () => {}),
      disconnectPersonal: vi.fn(async () => {}),
      onChange: vi.fn(),
    };
    const agileClientFor = vi.fn(() => ({ tracks: { list: check } }));
    return {
      accounts,
      agileClientFor,
      d: { accounts, agileClientFor, now: () => new Date(5000) } as unknown as ConnectDeps,
    };
  }
  const req = {
    scope: 'workspace' as const,
    teamId: 'T1',
    userId: 'U1',
    domain: 'acme',
    email: 'ops@acme.com',
    apiKey: 'k',
  };

  it('stores only after Agile accepted the login, with who and when', async () => {
    const { accounts, agileClientFor, d } = deps(async () => []);
    expect(await connectAgile(d, req)).toEqual({ scope: 'workspace', domain: 'acme', email: 'ops@acme.com' });
    expect(agileClientFor).toHaveBeenCalledWith(
      'acme',
      'ops@acme.com',
      'k',
      expect.objectContaining({ retries: 0 }),
    );
    expect(accounts.connectWorkspace).toHaveBeenCalledWith('T1', {
      domain: 'acme',
      email: 'ops@acme.com',
      apiKey: 'k',
      connectedBy: 'U1',
      connectedMs: 5000,
    });
  });

  it('stores nothing when Agile refuses', async () => {
    const { accounts, d } = deps(async () => {
      throw new AgileError({ kind: 'auth', status: 401, request, message: 'x' });
    });
    await expect(connectAgile(d, { ...req, scope: 'personal' })).rejects.toMatchObject({
      block: BLOCK.agileApiKey,
    });
    expect(accounts.connectPersonal).not.toHaveBeenCalled();
    expect(accounts.connectWorkspace).not.toHaveBeenCalled();
  });
});
