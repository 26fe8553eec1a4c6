/** Entities decoded: Slack's three (`&amp;` `&lt;` `&gt;`) and the few Agile puts in html_text. */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  '#039': "'",
  nbsp: ' ',
};

/**
 * The one HTML-entity decoder (Slack message text, Agile html_text). One pass, so a typed entity
 * stays literal: Slack sends a typed `&lt;` as `&amp;lt;`, which decodes to `&lt;`, never to `<`.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#0?39|nbsp);/g, (whole, name: string) => ENTITIES[name] ?? whole);
}

/** Readable text of Agile's html_text: breaks → newlines, tags dropped, entities decoded (after the tags). */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>\n?/gi, '\n')
      .replace(/<\/p>\s*/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  ).trim();
}
