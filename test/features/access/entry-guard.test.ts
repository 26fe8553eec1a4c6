import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  answerRefusal,
  askerOf,
  entryRefusal,
  PROFILE_BUDGET_MS,
} from '../../../src/features/access/entry-guard.js';
import { unknownProfile } from '../../../src/platform/slack/user-directory.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';

const logger = pino({ level: 'silent' });

function depsWith(profiles: Record<string, Partial<ReturnType<typeof unknownProfile>>>, teamId = '') {
  const asked: string[] = [];
  return {
    asked,
    deps: {
      logger,
      teamId,
      settings: DEFAULT_SETTINGS,
      slackUsers: {
        profile: async (id: string) => {
          asked.push(id);
          return { ...unknownProfile(id), ...profiles[id] };
        },
        userIdForEmail: async () => undefined,
      },
    },
  };
}

describe('askerOf', () => {
  it('reads commands, interactions and events', () => {
    expect(
      askerOf(
        { command: '/crm', user_id: 'U1', team_id: 'T1', team_domain: 'acme', user_team: 'T2' },
        { teamId: '' },
      ),
    ).toEqual({
      userId: 'U1',
      requestTeamId: 'T1',
      userTeamIds: ['T2', undefined, undefined],
      workspace: 'acme',
    });
    expect(
      askerOf(
        { type: 'block_actions', team: { id: 'T1', domain: 'acme' }, user: { id: 'U1', team_id: 'T1' } },
        { teamId: '' },
      ),
    ).toMatchObject({ userId: 'U1', requestTeamId: 'T1', userTeamIds: [undefined, 'T1', undefined] });
    expect(
      askerOf(
        { type: 'event_callback', team_id: 'T1', event: { user: 'U1', user_team: 'T9' } },
        { teamId: '' },
      ),
    ).toMatchObject({ userId: 'U1', userTeamIds: [undefined, undefined, 'T9'] });
    // The request's team from deps (scoped per team) wins over the payload's.
    expect(askerOf({ user_id: 'U1', team_id: 'T1' }, { teamId: 'T5' })?.requestTeamId).toBe('T5');
    // No user (a bot's event): nothing to check.
    expect(askerOf({ type: 'event_callback', event: { bot_id: 'B1' } }, { teamId: '' })).toBeUndefined();
  });
});

describe('entryRefusal', () => {
  it('refuses from the payload without asking Slack', async () => {
    const { deps, asked } = depsWith({});
    expect(
      await entryRefusal(deps, { user_id: 'U1', team_id: 'T1', user_team: 'T2', team_domain: 'acme' }),
    ).toEqual({
      reason: 'external',
      workspace: 'acme',
    });
    expect(asked).toEqual([]);
  });

  it('then asks the profile (members pass, guests and strangers do not)', async () => {
    const { deps, asked } = depsWith({ U2: { isRestricted: true }, U3: { isStranger: true } });
    expect(await entryRefusal(deps, { user_id: 'U1', team_id: 'T1' })).toBeUndefined();
    expect((await entryRefusal(deps, { user_id: 'U2', team_id: 'T1' }))?.reason).toBe('guest');
    expect((await entryRefusal(deps, { user_id: 'U3', team_id: 'T1' }))?.reason).toBe('external');
    expect(asked).toEqual(['U1', 'U2', 'U3']);
  });
});

describe('a slow users.info', () => {
  it('does not hold the ack past the budget: the payload check stands alone', async () => {
    vi.useFakeTimers();
    try {
      const deps = {
        logger,
        teamId: '',
        settings: DEFAULT_SETTINGS,
        slackUsers: {
          profile: () => new Promise<never>(() => undefined),
          userIdForEmail: async () => undefined,
        },
      };
      const verdict = entryRefusal(deps, { user_id: 'U1', team_id: 'T1' });
      await vi.advanceTimersByTimeAsync(PROFILE_BUDGET_MS);
      expect(await verdict).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('answerRefusal', () => {
  const refused = { reason: 'guest' as const, workspace: 'acme' };

  it('an event gets nothing but its ack (when it has one)', async () => {
    const acks: unknown[] = [];
    await answerRefusal({ logger }, { body: { type: 'event_callback', event: { user: 'U1' } } }, refused);
    await answerRefusal(
      { logger },
      { body: { type: 'event_callback' }, ack: async (a?: unknown) => void acks.push(a) },
      refused,
    );
    expect(acks).toEqual([undefined]);
  });

  it('a button in a modal (no response_url) is acked and nothing more', async () => {
    const said: unknown[] = [];
    const acks: unknown[] = [];
    await answerRefusal(
      { logger },
      {
        body: { type: 'block_actions' },
        ack: async (a?: unknown) => void acks.push(a),
        respond: async (m: unknown) => said.push(m),
      },
      refused,
    );
    expect({ acks, said }).toEqual({ acks: [undefined], said: [] });
  });
});
