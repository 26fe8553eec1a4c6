import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  DEV_KEY,
  deriveKey,
  keyId,
  parseKey,
  SecretsError,
} from '../../src/platform/secrets.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const AAD = 'team:T1:bot_token';

/** Replaces one base64 field of a stored value with a version that differs in one bit. */
function flipField(stored: string, field: number): string {
  const parts = stored.split(':');
  const bytes = Buffer.from(parts[field] ?? '', 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[field] = bytes.toString('base64');
  return parts.join(':');
}

describe('secrets', () => {
  it('round-trips and stores enc1:<kid>:<iv>:<tag>:<ct> without the clear value', () => {
    const ring = createKeyring(keyA);
    const stored = ring.encrypt('xoxb-123-secret', AAD);
    expect(stored).not.toContain('xoxb-123-secret');
    const [prefix, kid, iv, tag, ct] = stored.split(':');
    expect(prefix).toBe('enc1');
    expect(kid).toBe(keyId(keyA));
    expect(kid).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(iv ?? '', 'base64')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64')).toHaveLength(16);
    expect(ct).not.toBe('');
    expect(ring.decrypt(stored, AAD)).toBe('xoxb-123-secret');
  });

  it('uses a fresh IV each time (same plaintext, different ciphertexts)', () => {
    const ring = createKeyring(keyA);
    expect(ring.encrypt('k', AAD)).not.toBe(ring.encrypt('k', AAD));
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const ring = createKeyring(keyA);
    const stored = ring.encrypt('api-key-42', AAD);
    for (const field of [2, 3, 4]) {
      expect(() => ring.decrypt(flipField(stored, field), AAD)).toThrow(SecretsError);
    }
    expect(() => ring.decrypt(flipField(stored, 4), AAD)).toThrow(/failed authentication/);
  });

  it('refuses a value moved to another row (wrong AAD)', () => {
    const ring = createKeyring(keyA);
    const stored = ring.encrypt('xoxb-team-one', 'team:T1:bot_token');
    expect(() => ring.decrypt(stored, 'team:T2:bot_token')).toThrow(/another row/);
  });

  it('rotation: the previous key still decrypts; re-encrypting yields the current kid', () => {
    const old = createKeyring(keyA);
    const stored = old.encrypt('api-key-old', AAD);
    const rotated = createKeyring(keyB, keyA);
    expect(rotated.isCurrent(stored)).toBe(false);
    expect(rotated.decrypt(stored, AAD)).toBe('api-key-old');
    const again = rotated.encrypt(rotated.decrypt(stored, AAD), AAD);
    expect(rotated.isCurrent(again)).toBe(true);
    expect(rotated.keyIdOf(again)).toBe(keyId(keyB));
    expect(old.isCurrent(stored)).toBe(true);
  });

  it('a value under an unknown key names both key ids', () => {
    const stored = createKeyring(keyA).encrypt('x', AAD);
    const other = createKeyring(keyB);
    expect(() => other.decrypt(stored, AAD)).toThrow(
      `encrypted with key ${keyId(keyA)}, which is neither ENCRYPTION_KEY (${keyId(keyB)})`,
    );
    expect(() => other.decrypt('plain-text', AAD)).toThrow(/not in the enc1 format/);
  });

  it('parses 32-byte keys as hex or base64 and explains anything else', () => {
    expect(parseKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseKey(keyA.toString('base64'))).toEqual(keyA);
    expect(parseKey(keyA.toString('base64url'))).toEqual(keyA);
    expect(parseKey(`  ${keyA.toString('base64')}\n`)).toEqual(keyA);
    expect(() => parseKey(randomBytes(16).toString('base64'))).toThrow(/decodes to 16 bytes/);
    expect(() => parseKey('not a key!')).toThrow(/32 bytes written as base64 or 64 hex/);
    expect(() => createKeyring(randomBytes(16))).toThrow(SecretsError);
  });

  it('derives a stable 32-byte key per secret (HKDF), different from the dev key', () => {
    const a = deriveKey('signing-secret-1');
    expect(a).toHaveLength(32);
    expect(deriveKey('signing-secret-1')).toEqual(a);
    expect(deriveKey('signing-secret-2')).not.toEqual(a);
    expect(a).not.toEqual(DEV_KEY);
  });
});
