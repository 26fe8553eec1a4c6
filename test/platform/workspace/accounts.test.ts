import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { createAgileAccounts } from '../../../src/platform/workspace/accounts.js';

describe('createAgileAccounts', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(() => store.close());

  const workspace = {
    domain: 'acme',
    email: 'ops@acme.example',
    apiKey: 'k1',
    connectedBy: 'U1',
    connectedMs: 1,
  };
  const mine = { slackUserId: 'U2', email: 'u2@acme.example', apiKey: 'k2', connectedMs: 2 };

  it('writes through the store and tells every listener which team changed, after the write', async () => {
    const accounts = createAgileAccounts(store);
    const heard: string[] = [];
    accounts.onChange(async (teamId) => {
      // The listener sees the stored state (it runs after the write).
      heard.push(`${teamId}:${(await store.workspaces.getWorkspaceAccount(teamId))?.domain ?? 'none'}`);
    });
    const seen: string[] = [];
    accounts.onChange((teamId) => seen.push(teamId));

    await accounts.connectWorkspace('T1', workspace);
    expect(await store.workspaces.getWorkspaceAccount('T1')).toEqual(workspace);
    await accounts.connectPersonal('T1', mine);
    expect(await store.workspaces.getPersonalAccount('T1', 'U2')).toEqual(mine);
    await accounts.disconnectPersonal('T1', 'U2');
    expect(await store.workspaces.getPersonalAccount('T1', 'U2')).toBeUndefined();
    await accounts.disconnectWorkspace('T1');
    expect(await store.workspaces.getWorkspaceAccount('T1')).toBeUndefined();
    expect(seen).toEqual(['T1', 'T1', 'T1', 'T1']);
    expect(heard[0]).toBe('T1:acme');
  });

  it('deleteTeam removes the team and notifies; a throwing listener does not stop the others', async () => {
    const accounts = createAgileAccounts(store);
    await accounts.connectWorkspace('T9', workspace);
    await accounts.connectPersonal('T9', mine);
    const seen: string[] = [];
    accounts.onChange(() => {
      throw new Error('cache gone');
    });
    accounts.onChange((teamId) => seen.push(teamId));
    await accounts.deleteTeam('T9');
    expect(await store.workspaces.getWorkspaceAccount('T9')).toBeUndefined();
    expect(await store.workspaces.listPersonalAccounts('T9')).toEqual([]);
    expect(seen).toEqual(['T9']);
  });
});
