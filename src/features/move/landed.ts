import type { AgileClient } from '../../platform/agile/index.js';

/**
 * Did a move that got no answer land after all? The milestone is the deal's current one (a move is a
 * partial update, so finding the deal at the target milestone means it landed); the reason/note
 * written with it is looked for among the deal's notes (same subject and text). The one check for moves.
 */
export function moveLanded(deal: { milestone?: string | undefined }, target: string): boolean {
  return deal.milestone === target;
}

/** The note's "Moved from X to Y" line depends on where the deal was; the typed reason and note do not. */
export async function moveNoteLanded(
  agile: AgileClient,
  dealId: string,
  typed: { reason?: string | undefined; note?: string | undefined },
  subject: string,
): Promise<boolean> {
  const notes = await agile.notes.listForDeal(dealId);
  const parts = [typed.reason?.trim(), typed.note?.trim()].filter((p): p is string => Boolean(p));
  return notes.some((n) => n.subject === subject && parts.every((p) => n.description.includes(p)));
}
