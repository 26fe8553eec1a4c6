import type { AgileClient, Deal, DealInput } from '../../platform/agile/index.js';

/**
 * Did a deal create that got no answer land after all? A deal with the same name and milestone is
 * looked for among the first contact's deals, or, for a deal without contacts, among its track's.
 * The one check for deal creates.
 */
export async function dealLanded(agile: AgileClient, input: DealInput): Promise<Deal | null> {
  const same = (d: Deal) => d.name === input.name && d.milestone === input.milestone;
  const contactId = input.contact_ids?.[0];
  if (contactId !== undefined) return (await agile.contacts.deals(contactId)).find(same) ?? null;
  if (input.pipeline_id === undefined) return null;
  for await (const deal of agile.deals.iterateTrack(input.pipeline_id, { maxPages: 5 })) {
    if (same(deal)) return deal;
  }
  return null;
}
