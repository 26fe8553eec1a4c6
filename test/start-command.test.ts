import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Production starts one way: npm start's command, which Procfile and the Dockerfile repeat verbatim. */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;

describe('the production start command', () => {
  it('runs the built bundle with node', () => {
    expect(start).toMatch(/^node (--[\w-]+=\S+ )*dist\/main\.js$/);
  });

  it('is what Procfile runs', () => {
    expect(read('Procfile').trim()).toBe(`web: ${start}`);
  });

  it("is the Dockerfile's CMD", () => {
    const cmd = read('Dockerfile').match(/^CMD (\[.*\])$/m)?.[1];
    expect(JSON.parse(cmd ?? '[]').join(' ')).toBe(start);
  });
});
