import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DigestAction,
  digestNeedsOwner,
  digestPermission,
  isAdminOf,
  isOwnerByEmail,
  mayReplyPublicly,
  mayShareInto,
  payloadEntryRefusal,
  profileEntryRefusal,
} from '../../../src/features/access/policy.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';

const member = { isStranger: false, isRestricted: false, isUltraRestricted: false, teamId: 'T1' };
const strict = DEFAULT_SETTINGS;

describe('entry: who may use the app at all', () => {
  it('the payload alone refuses a user whose team is another organisation’s', () => {
    expect(payloadEntryRefusal('T1', ['T1', undefined])).toBeUndefined();
    expect(payloadEntryRefusal('T1', [undefined, 'T2'])).toBe('external');
    expect(payloadEntryRefusal('T1', ['T2', 'T1'])).toBe('external');
    // A payload that names no team says nothing; no request team (cannot compare) neither.
    expect(payloadEntryRefusal('T1', [undefined, ''])).toBeUndefined();
    expect(payloadEntryRefusal('', ['T2'])).toBeUndefined();
  });

  it('the profile refuses strangers and users of another team', () => {
    expect(profileEntryRefusal('T1', member, strict)).toBeUndefined();
    expect(profileEntryRefusal('T1', { ...member, isStranger: true }, strict)).toBe('external');
    expect(profileEntryRefusal('T1', { ...member, teamId: 'T2' }, strict)).toBe('external');
    expect(profileEntryRefusal('T1', { ...member, teamId: undefined }, strict)).toBeUndefined();
  });

  it('refuses guests unless the workspace allows them; never another organisation’s guests', () => {
    const allow = { guestsAllowed: true };
    for (const guest of [{ isRestricted: true }, { isUltraRestricted: true }]) {
      expect(profileEntryRefusal('T1', { ...member, ...guest }, strict)).toBe('guest');
      expect(profileEntryRefusal('T1', { ...member, ...guest }, allow)).toBeUndefined();
      expect(profileEntryRefusal('T1', { ...member, ...guest, teamId: 'T2' }, allow)).toBe('external');
    }
  });

  it('a refusal never depends on anything but the facts (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          isStranger: fc.boolean(),
          isRestricted: fc.boolean(),
          isUltraRestricted: fc.boolean(),
          teamId: fc.option(fc.constantFrom('T1', 'T2'), { nil: undefined }),
        }),
        fc.boolean(),
        (profile, guestsAllowed) => {
          const verdict = profileEntryRefusal('T1', profile, { guestsAllowed });
          const external = profile.isStranger || (profile.teamId !== undefined && profile.teamId !== 'T1');
          const guest = profile.isRestricted || profile.isUltraRestricted;
          expect(verdict).toBe(external ? 'external' : guest && !guestsAllowed ? 'guest' : undefined);
        },
      ),
    );
  });
});

describe('admins', () => {
  it('are workspace admins, owners and the installer', () => {
    const none = { installerUserId: null };
    expect(isAdminOf({ isAdmin: true, isOwner: false }, none, 'U1')).toBe(true);
    expect(isAdminOf({ isAdmin: false, isOwner: true }, none, 'U1')).toBe(true);
    expect(isAdminOf({ isAdmin: false, isOwner: false }, none, 'U1')).toBe(false);
    expect(isAdminOf({ isAdmin: false, isOwner: false }, { installerUserId: 'U1' }, 'U1')).toBe(true);
    expect(isAdminOf({ isAdmin: false, isOwner: false }, { installerUserId: 'U2' }, 'U1')).toBe(false);
    expect(isAdminOf({ isAdmin: false, isOwner: false }, { installerUserId: '' }, '')).toBe(false);
  });
});

describe('public ticket replies', () => {
  it('need a personal connection', () => {
    expect(mayReplyPublicly({ personal: { email: 'a@x.example' } })).toBe(true);
    expect(mayReplyPublicly({ personal: null })).toBe(false);
  });
});

describe('digest buttons', () => {
  const table: [DigestAction, boolean, boolean, boolean, ReturnType<typeof digestPermission>][] = [
    // action, task owner, admin, any member completes → verdict
    ['complete', true, false, false, { allowed: true }],
    ['complete', false, false, false, { allowed: false, who: 'owner' }],
    ['complete', false, true, false, { allowed: false, who: 'owner' }],
    ['complete', false, false, true, { allowed: true }],
    ['snooze', true, false, false, { allowed: true }],
    ['snooze', false, true, false, { allowed: false, who: 'owner' }],
    ['snooze', false, false, true, { allowed: true }],
    ['reassign', true, false, false, { allowed: true }],
    ['reassign', false, true, false, { allowed: true }],
    ['reassign', false, false, false, { allowed: false, who: 'owner_or_admin' }],
    // The setting is about completing and snoozing only.
    ['reassign', false, false, true, { allowed: false, who: 'owner_or_admin' }],
  ];
  it.each(table)('%s by owner=%s admin=%s (any member: %s)', (action, isTaskOwner, isAdmin, any, verdict) => {
    expect(
      digestPermission({ action, isTaskOwner, isAdmin, settings: { anyMemberCompletesTasks: any } }),
    ).toEqual(verdict);
  });

  it('reads the task’s owner only when the answer depends on it', () => {
    const off = { anyMemberCompletesTasks: false };
    const on = { anyMemberCompletesTasks: true };
    expect(digestNeedsOwner({ action: 'complete', isAdmin: true, settings: off })).toBe(true);
    expect(digestNeedsOwner({ action: 'snooze', isAdmin: false, settings: on })).toBe(false);
    expect(digestNeedsOwner({ action: 'reassign', isAdmin: true, settings: off })).toBe(false);
    expect(digestNeedsOwner({ action: 'reassign', isAdmin: false, settings: on })).toBe(true);
  });

  it('matches the owner by email, case and blanks aside', () => {
    expect(isOwnerByEmail('Raj.Patel@Example.com', [undefined, ' raj.patel@example.com '])).toBe(true);
    expect(isOwnerByEmail('raj@example.com', ['alice@example.com', undefined])).toBe(false);
    expect(isOwnerByEmail(undefined, ['alice@example.com'])).toBe(false);
    expect(isOwnerByEmail('', [''])).toBe(false);
  });
});

describe('sharing cards', () => {
  it('not into externally shared channels unless allowed', () => {
    expect(mayShareInto({ isExtShared: false }, strict)).toBe(true);
    expect(mayShareInto({ isExtShared: true }, strict)).toBe(false);
    expect(mayShareInto({ isExtShared: true }, { externalChannelsAllowed: true })).toBe(true);
  });
});
