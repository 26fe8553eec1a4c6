import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/platform/slack/ids.js';
import { blockSuggestionPayload } from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

interface OptionsBody {
  options: { text: { type: string; text: string }; value: string }[];
}

describe('contact picker options load', () => {
  const t = useTestBot();
  const sim = () => simulatorOf(t);

  const load = (value: string) =>
    t.interact(blockSuggestionPayload({ actionId: ACTION.contactPicker, blockId: BLOCK.contact, value }));

  it('answers ranked contacts by name, best match first, with ids as values', async () => {
    const res = await load('ada lovelace');
    expect(res.status).toBe(200);
    const body = res.json as OptionsBody;
    expect(body.options.length).toBeGreaterThan(0);
    expect(body.options[0]?.text.text).toMatch(/^Ada Lovelace/);
    expect(body.options[0]?.value).toMatch(/^\d{16}$/);
    for (const o of body.options) expect(o.text.text.length).toBeLessThanOrEqual(75);
  });

  it('finds a contact by email whatever its case in Agile', async () => {
    const body = (await load('grace.hopper@example.com')).json as OptionsBody;
    expect(body.options.map((o) => o.text.text)).toEqual([expect.stringMatching(/Grace Hopper/)]);
  });

  it('tolerates a small typo', async () => {
    const body = (await load('ada lovelase')).json as OptionsBody;
    expect(body.options[0]?.text.text).toMatch(/^Ada Lovelace/);
  });

  it('keeps ids above 2^53 exact', async () => {
    const body = (await load('eve')).json as OptionsBody;
    expect(body.options.map((o) => o.value)).toContain('9007199254740993');
  });

  it("answers within Slack's 3 s from the cache while the CRM is slow", async () => {
    await load('ada'); // warm the cache for the prefix
    sim().faults.latencyMs = 2500;
    const res = await load('ada lo');
    // Answered while the CRM search for "ada lo" was still on its way.
    expect(sim().requests.some((r) => r.status === 0)).toBe(true);
    const body = res.json as OptionsBody;
    expect(body.options[0]?.text.text).toMatch(/^Ada Lovelace/);
  });

  it('answers an empty list, not an error, when the CRM is down and nothing is cached', async () => {
    sim().faults.failNext(10, 503);
    const res = await load('zzz-nobody');
    expect(res.status).toBe(200);
    expect((res.json as OptionsBody).options).toEqual([]);
  });
});
