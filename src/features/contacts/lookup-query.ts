import { isEmail } from '../../platform/text.js';

/** How a lookup query will be searched: by email, by phone number, or by name words. */
export type LookupQuery =
  | { kind: 'email'; email: string }
  /** `digits`: only digits, with a leading `+` kept when typed; `raw`: as typed. */
  | { kind: 'phone'; digits: string; raw: string }
  | { kind: 'name'; words: string[] };

const PHONE_RE = /^\+?[\d\s().\-/]+$/;
const MIN_PHONE_DIGITS = 5;

export function classifyLookupQuery(q: string): LookupQuery {
  const query = q.trim();
  if (isEmail(query)) return { kind: 'email', email: query };
  if (PHONE_RE.test(query)) {
    const digits = query.replace(/\D/g, '');
    if (digits.length >= MIN_PHONE_DIGITS) {
      return { kind: 'phone', digits: query.startsWith('+') ? `+${digits}` : digits, raw: query };
    }
  }
  return { kind: 'name', words: query.split(/\s+/u).filter((w) => w !== '') };
}
