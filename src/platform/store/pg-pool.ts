import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { Pool, PoolClient } from 'pg';

// pg's own messages for a connection that can no longer be trusted: the client-side query_timeout
// fired (the statement may still be on the wire, the client's queue is stuck behind it), the socket
// closed, or the client already knows it is dead.
const CONNECTION_LOST = /Query read timeout|Connection terminated|not queryable/i;
// Raw socket errors from the driver.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// SQLSTATE class 08 (connection exception) and 57P01-57P05 (the server shutting down, crashed, or
// ending this session). 57014 (statement_timeout) is not here: the connection is fine after it.
const PG_CONNECTION_SQLSTATE = /^(08...|57P0.)$/;

/** True when a query's error means its connection is dead or stuck, not just that the query failed. */
export function isConnectionLevelError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || PG_CONNECTION_SQLSTATE.test(code))) return true;
  return CONNECTION_LOST.test(err.message);
}

/**
 * The pool Kysely uses, over a pg Pool: a client whose query failed at the connection level (see
 * isConnectionLevelError) is destroyed when released, never handed to the next request. Without
 * this, a client whose query hit query_timeout during a silent network partition (no RST: the socket
 * stays "open") goes back to the pool and every later query on it times out the same way, forever.
 * Once broken, a client's further queries (a transaction's ROLLBACK) fail at once with the same error.
 */
export function discardingBrokenClients(pool: Pool, onDiscard?: (err: Error) => void): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client: PoolClient = await pool.connect();
      let broken: Error | undefined;
      const markBroken = (err: Error) => {
        if (broken) return;
        broken = err;
        onDiscard?.(err);
      };
      // A checked-out client whose socket fails between queries emits 'error'; with no listener
      // that would be thrown. Note it, and destroy the client on release.
      const onError = (err: Error) => markBroken(err);
      client.on('error', onError);
      const wrapped = {
        query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>): unknown {
          if (typeof sqlOrCursor !== 'string') {
            // A cursor (streaming): not used by the store; passed through as is.
            return (client.query as (q: unknown) => unknown)(sqlOrCursor);
          }
          if (broken) return Promise.reject(broken);
          return client.query(sqlOrCursor, parameters ? [...parameters] : undefined).catch((err: unknown) => {
            if (isConnectionLevelError(err)) markBroken(err as Error);
            throw err;
          });
        },
        release(destroy?: boolean): void {
          client.removeListener('error', onError);
          // pg-pool: release(error) removes the client and ends it (destroying its socket when a
          // query is still active), instead of putting it back among the idle ones.
          client.release(broken ?? destroy);
        },
      };
      return wrapped as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
