import type { AuditTrail, AuditWrite } from '../../src/platform/audit.js';
import type { Store } from '../../src/platform/store/index.js';

/** An idempotency store that claims every key and records it: unit tests read which keys a use case built. */
export function keyRecordingStore(): { store: Store; keys: string[] } {
  const keys: string[] = [];
  const store = {
    idempotency: {
      claim: async (key: string) => {
        keys.push(key);
        return { status: 'claimed' as const };
      },
      renew: async () => true,
      complete: async () => undefined,
      release: async () => undefined,
      markUnknown: async () => undefined,
      held: () => [],
    },
  } as unknown as Store;
  return { store, keys };
}

/** An audit trail that keeps what it was asked to record: unit tests read which writes were audited. */
export function recordingAuditTrail(retentionDays = 90): { audit: AuditTrail; writes: AuditWrite[] } {
  const writes: AuditWrite[] = [];
  return {
    audit: {
      retentionDays,
      record: async (write) => {
        writes.push(write);
      },
    },
    writes,
  };
}
