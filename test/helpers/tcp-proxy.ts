import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can play a silent network partition: `blackhole()` stops forwarding
 * bytes on the connections open now, in both directions, without closing them (no FIN, no RST: what
 * a dropped route or a firewall does), while new connections are still forwarded. `partition()`
 * also holds every new connection silent until `heal()`.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port pointing at the proxy. */
  via(url: string): string;
  /** Connections opened through the proxy so far. */
  readonly opened: number;
  blackhole(): void;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
  silent: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let partitioned = false;
  let opened = 0;

  const forward = (pair: Pair) => {
    const upstream = tcpConnect(target.port, target.host);
    pair.upstream = upstream;
    pair.client.on('data', (chunk) => {
      if (!pair.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.silent) pair.client.write(chunk);
    });
    // A silent pair passes nothing on, closing included; the client ending its side still frees the
    // upstream connection (that is the client's own doing, not the network's).
    upstream.on('close', () => {
      if (!pair.silent) pair.client.destroy();
    });
    upstream.on('error', () => {});
  };

  const server = createServer((client) => {
    opened += 1;
    const pair: Pair = { client, upstream: null, silent: partitioned };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    // During a partition the connection is accepted (the kernel would have completed the handshake
    // to nobody) and then nothing comes back: not even a connection to the server is made.
    if (!pair.silent) forward(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const port = address.port;

  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    get opened() {
      return opened;
    },
    blackhole() {
      for (const pair of pairs) pair.silent = true;
    },
    partition() {
      partitioned = true;
      for (const pair of pairs) pair.silent = true;
    },
    heal() {
      partitioned = false;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
