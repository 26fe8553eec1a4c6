import { timingSafeEqual } from 'node:crypto';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Basic auth, email as user name and the REST API key as password: valid when it is one of the accounts
 * (the API user's, and members' own). Returns the email when valid.
 */
export function checkBasicAuth(
  header: string | undefined,
  accounts: readonly { email: string; apiKey: string }[],
): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const email = decoded.slice(0, colon);
  const apiKey = decoded.slice(colon + 1);
  const ok = accounts.some((a) => sameText(email, a.email) && sameText(apiKey, a.apiKey));
  return ok ? email : undefined;
}

export const UNAUTHORIZED_BODY =
  'HTTP Status 401 - Unauthorized: invalid email or API key. Use your email as the user name and the REST API key as the password.';
