import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/platform/html-text.js';

describe('decodeEntities', () => {
  it("decodes Slack's entities and Agile's common ones in one pass", () => {
    expect(decodeEntities('a &lt;b&gt; &amp;lt;c&amp;gt; &amp;')).toBe('a <b> &lt;c&gt; &');
    expect(decodeEntities('&quot;hi&quot; it&#39;s it&#039;s&nbsp;ok &copy;')).toBe(
      `"hi" it's it's ok &copy;`,
    );
  });
});
