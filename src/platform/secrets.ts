import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

// Secrets at rest (bot tokens, Agile API keys): AES-256-GCM with a random 96-bit IV per value.
// Stored as `enc1:<kid>:<iv b64>:<tag b64>:<ciphertext b64>`; kid = first 8 hex of sha256(key), so
// a value names the key it needs without revealing it. The AAD (e.g. `team:T1:bot_token`) binds a
// value to its row and column: a ciphertext copied into another row fails to decrypt.

const PREFIX = 'enc1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}

export interface EncryptionKey {
  /** First 8 hex characters of sha256(key): stored with each value, safe to log. */
  id: string;
  bytes: Buffer;
}

export interface Keyring {
  /** Encrypts with the current key. */
  encrypt(plain: string, aad: string): string;
  /** Decrypts with whichever key (current or previous) the value names; throws SecretsError otherwise. */
  decrypt(stored: string, aad: string): string;
  /** True when the value is encrypted with the current key (false: re-encrypt it). */
  isCurrent(stored: string): boolean;
  /** The key id a stored value names (undefined if it is not in the enc1 format). */
  keyIdOf(stored: string): string | undefined;
  readonly currentId: string;
  readonly previousId: string | null;
}

export function keyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}

function toKey(bytes: Buffer): EncryptionKey {
  if (bytes.length !== KEY_BYTES) throw new SecretsError(`an encryption key must be ${KEY_BYTES} bytes`);
  return { id: keyId(bytes), bytes };
}

/**
 * A 32-byte key written as 64 hex characters or as base64 (44 characters with padding). Throws a
 * SecretsError saying what is wrong (never echoing the value).
 */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
    throw new SecretsError(
      `must be ${KEY_BYTES} bytes: this base64 value decodes to ${bytes.length} bytes (generate one with: openssl rand -base64 32)`,
    );
  }
  throw new SecretsError(
    `must be ${KEY_BYTES} bytes written as base64 or 64 hex characters (generate one with: openssl rand -base64 32)`,
  );
}

/** A key derived from another secret (the signing secret) when no ENCRYPTION_KEY is set: HKDF-SHA256. */
export function deriveKey(secret: string, purpose = 'agile-slack-bot secrets at rest v1'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, KEY_BYTES));
}

/** The console's and the tests' fixed key: it protects nothing, it only keeps the code path the same. */
export const DEV_KEY: Buffer = createHash('sha256')
  .update('agile-slack-bot development key, not a secret')
  .digest();

export function createKeyring(current: Buffer, previous?: Buffer | null): Keyring {
  const cur = toKey(current);
  const prev = previous ? toKey(previous) : null;
  const byId = new Map<string, EncryptionKey>([[cur.id, cur]]);
  if (prev && prev.id !== cur.id) byId.set(prev.id, prev);

  const parse = (stored: string) => {
    const parts = stored.split(':');
    if (parts.length !== 5 || parts[0] !== PREFIX) return undefined;
    const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
    return {
      kid,
      iv: Buffer.from(iv, 'base64'),
      tag: Buffer.from(tag, 'base64'),
      ct: Buffer.from(ct, 'base64'),
    };
  };

  return {
    currentId: cur.id,
    previousId: prev && prev.id !== cur.id ? prev.id : null,

    encrypt(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', cur.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [PREFIX, cur.id, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':');
    },

    decrypt(stored, aad) {
      const parsed = parse(stored);
      if (!parsed) throw new SecretsError('stored secret is not in the enc1 format');
      const key = byId.get(parsed.kid);
      if (!key) {
        throw new SecretsError(
          `stored secret is encrypted with key ${parsed.kid}, which is neither ENCRYPTION_KEY (${cur.id})` +
            (prev
              ? ` nor ENCRYPTION_KEY_PREVIOUS (${prev.id})`
              : ' nor a previous key (ENCRYPTION_KEY_PREVIOUS unset)'),
        );
      }
      if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) {
        throw new SecretsError('stored secret is malformed (IV or tag length)');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, parsed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(parsed.tag);
        return Buffer.concat([decipher.update(parsed.ct), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretsError(
          `stored secret failed authentication with key ${key.id}: altered, or copied from another row`,
        );
      }
    },

    isCurrent(stored) {
      return parse(stored)?.kid === cur.id;
    },

    keyIdOf(stored) {
      return parse(stored)?.kid;
    },
  };
}

/** The keyring for tests and the console: the fixed development key. */
export function devKeyring(): Keyring {
  return createKeyring(DEV_KEY);
}
