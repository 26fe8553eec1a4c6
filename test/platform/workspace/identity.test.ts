import { describe, expect, it } from 'vitest';
import { unknownProfile } from '../../../src/platform/slack/user-directory.js';
import type { UserLink } from '../../../src/platform/store/index.js';
import {
  agileEmailFor,
  agileIdentityFor,
  type IdentityDeps,
} from '../../../src/platform/workspace/identity.js';

function depsWith(opts: {
  links?: Record<string, string>;
  personal?: string | null;
  /** Other members' stored personal connections, by Slack user id. */
  stored?: Record<string, string>;
  emails?: Record<string, string | undefined>;
}): IdentityDeps {
  return {
    teamId: 'T1',
    store: {
      userLinks: {
        get: async (teamId: string, userId: string): Promise<UserLink | undefined> => {
          const email = teamId === 'T1' ? opts.links?.[userId] : undefined;
          return email
            ? { teamId, slackUserId: userId, agileEmail: email, setBy: 'U0', setMs: 0 }
            : undefined;
        },
      },
      workspaces: {
        getPersonalAccount: async (teamId: string, userId: string) => {
          const email = teamId === 'T1' ? opts.stored?.[userId] : undefined;
          return email ? { slackUserId: userId, email, apiKey: 'k', connectedMs: 0 } : undefined;
        },
      },
    },
    connection: { personal: opts.personal ? { email: opts.personal } : null },
    slackUsers: {
      profile: async (id: string) => ({
        ...unknownProfile(id),
        ...(opts.emails?.[id] ? { email: opts.emails[id] } : {}),
      }),
    },
  };
}

describe('agileIdentityFor', () => {
  it('prefers the manual override, then the personal connection, then the Slack email', async () => {
    const all = depsWith({
      links: { U1: 'Override@Example.com' },
      personal: 'me@agile.example.com',
      emails: { U1: 'slack@example.com' },
    });
    expect(await agileIdentityFor(all, 'U1')).toEqual({ email: 'override@example.com', source: 'override' });
    const noLink = depsWith({ personal: 'Me@Agile.example.com', emails: { U1: 'slack@example.com' } });
    expect(await agileIdentityFor(noLink, 'U1')).toEqual({
      email: 'me@agile.example.com',
      source: 'personal',
    });
    const slackOnly = depsWith({ emails: { U1: 'Slack@Example.com' } });
    expect(await agileIdentityFor(slackOnly, 'U1')).toEqual({ email: 'slack@example.com', source: 'slack' });
    expect(await agileEmailFor(depsWith({}), 'U1')).toBeUndefined();
  });

  it("uses the acting user's connection only for them, and someone else's own stored connection", async () => {
    const deps = depsWith({
      personal: 'admin@agile.example.com',
      stored: { U3: 'Carol@Agile.example.com' },
      emails: { U2: 'bob@example.com', U3: 'carol@slack.example.com' },
    });
    expect(await agileIdentityFor(deps, 'U2', 'U1')).toEqual({ email: 'bob@example.com', source: 'slack' });
    expect(await agileIdentityFor(deps, 'U1', 'U1')).toEqual({
      email: 'admin@agile.example.com',
      source: 'personal',
    });
    // U3's own personal connection (from the store), not the acting admin's.
    expect(await agileIdentityFor(deps, 'U3', 'U1')).toEqual({
      email: 'carol@agile.example.com',
      source: 'personal',
    });
  });
});
