export type MrkdwnNode =
  | { type: 'text' | 'code' | 'pre'; text: string }
  | { type: 'br' }
  | { type: 'link'; url: string; text: string }
  | { type: 'user' | 'channel'; id: string; label: string }
  | { type: 'special'; name: string }
  | { type: 'bold' | 'italic' | 'strike' | 'quote'; children: MrkdwnNode[] };

export function decodeEntities(text: string): string;
export function parseMrkdwn(text: string): MrkdwnNode[];
export function mrkdwnToHtml(text: string, resolveUser?: (id: string) => string | undefined): string;
export function renderMrkdwn(
  text: string,
  doc: unknown,
  resolveUser?: (id: string) => string | undefined,
): unknown;
