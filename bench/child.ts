import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';

/**
 * The child side of bench/lib.ts spawnChild: print `info` as one JSON line, then obey the parent's
 * stdin, one command a line, each answered by one JSON line:
 *   profile-start        start the V8 CPU profiler in this process
 *   profile-stop <path>  stop it and write the .cpuprofile to path
 * When stdin ends (the parent closed it or died) run `close` and exit.
 */
export function serveUntilStdinEnds(info: Record<string, unknown>, close: () => Promise<void>): void {
  let session: Session | undefined;
  const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/, 2);
    (async () => {
      if (cmd === 'profile-start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        // 100 µs sampling: a 50-request burst lasts ~100 ms, the default 1 ms would give too few samples.
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
        reply({ ok: cmd });
      } else if (cmd === 'profile-stop' && session && arg) {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        session = undefined;
        writeFileSync(arg, JSON.stringify(profile));
        reply({ ok: cmd, path: arg });
      } else {
        reply({ error: `unknown command: ${line}` });
      }
    })().catch((err: unknown) => reply({ error: String(err) }));
  });
  lines.on('close', () => {
    close()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
  reply(info);
}
