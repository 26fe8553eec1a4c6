import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/** An id written as a bare JSON number literal, exactly as its digits (no double rounding). */
export function idNum(id: string): LosslessNumber {
  return new LosslessNumber(id);
}

export function toJsonText(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** Parses request JSON keeping every number as a LosslessNumber, so big ids survive. */
export function parseJsonLossless(text: string): unknown {
  return parse(text);
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, inner: string): string {
  if (XML_NAME.test(name)) return `<${name}>${inner}</${name}>`;
  return `<entry key="${escapeXml(name)}">${inner}</entry>`;
}

function renderXmlValue(name: string, value: unknown): string {
  if (value === null || value === undefined) return XML_NAME.test(name) ? `<${name}/>` : element(name, '');
  if (isLosslessNumber(value)) return element(name, value.value);
  if (Array.isArray(value)) return value.map((item) => renderXmlValue(name, item)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => renderXmlValue(k, v))
      .join('');
    return element(name, inner);
  }
  return element(name, escapeXml(String(value)));
}

/**
 * Agile answers XML unless Accept asks for JSON. A faithful JAXB rendering is out of scope: this is a
 * simple, well-formed rendering (arrays become repeated `item`-named children of the root).
 */
export function toXmlText(value: unknown, rootName: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  if (Array.isArray(value)) {
    const items = value.map((item) => renderXmlValue(rootName, item)).join('');
    return `${head}<${rootName}s>${items}</${rootName}s>`;
  }
  return `${head}${renderXmlValue(rootName, value)}`;
}

/** Reads a scalar from a lossless-parsed JSON value or a form string. */
export function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

export function asNumber(value: unknown): number | undefined {
  const text = asText(value);
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** An id given as a JSON number or a string; returns its exact decimal digits. */
export function asId(value: unknown): string | undefined {
  const text = asText(value)?.trim();
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return text.replace(/^(-?)0+(?=\d)/, '$1');
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = asText(value);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

export function asIdList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids: string[] = [];
  for (const item of value) {
    const id = asId(item);
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}
