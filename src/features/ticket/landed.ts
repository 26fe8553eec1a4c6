import type { ThreadMessage, Visibility } from './tickets.js';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Did a reply that got no answer land after all? The ticket's messages are searched for an agent's
 * message with the same visibility and text. The one check for ticket replies (form and quick path):
 * a customer is never emailed twice.
 */
export function replyLanded(
  messages: readonly ThreadMessage[],
  text: string,
  visibility: Visibility,
): boolean {
  const wanted = normalise(text);
  return messages.some(
    (m) => m.from === 'agent' && m.visibility === visibility && normalise(m.text) === wanted,
  );
}
