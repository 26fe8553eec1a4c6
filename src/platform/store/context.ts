import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** What every repository gets: the query builder and the injected clock. */
export interface RepoContext {
  db: Kysely<Database>;
  nowMs: () => number;
}

/** int8 arrives as a number (see open-store.ts), but stay safe if a driver hands back a string or bigint. */
export function toNumber(v: number | string | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

export function affected(result: {
  numInsertedOrUpdatedRows?: bigint;
  numUpdatedRows?: bigint;
  numDeletedRows?: bigint;
}): number {
  return Number(result.numInsertedOrUpdatedRows ?? result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}
