import { badRequestJson, badRequestText } from './http.js';
import { asText } from './serialization.js';
import type { ContactProperty } from './state.js';

// "Tag name should start with an alphabet and can not contain special characters other than underscore and space."
const TAG_RULE = /^[A-Za-z][A-Za-z0-9_ ]*$/;

export function validateTags(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequestText('tags should be an array of strings');
  const tags: string[] = [];
  for (const item of value) {
    const tag = asText(item);
    if (tag === undefined || !TAG_RULE.test(tag)) {
      throw badRequestText(
        `Invalid tag name: ${String(tag)}. Tag name should start with an alphabet and can not contain special characters other than underscore and space.`,
      );
    }
    tags.push(tag);
  }
  return tags;
}

export function validateProperties(value: unknown): ContactProperty[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequestJson('properties should be a list of property objects');
  return value.map((raw) => validateProperty(raw));
}

export function validateProperty(raw: unknown): ContactProperty {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequestJson('Each property should be a JSON object with name, type and value');
  }
  const obj = raw as Record<string, unknown>;
  const name = asText(obj.name);
  if (!name) throw badRequestJson('Property name is mandatory');
  const type = asText(obj.type);
  if (type !== undefined && type !== 'SYSTEM' && type !== 'CUSTOM') {
    throw badRequestJson(`Invalid property type ${type}: should be SYSTEM or CUSTOM`);
  }
  if (obj.value === null)
    throw badRequestText(`Null value for property ${name}: please don't pass null values`);
  const prop: ContactProperty = { name, value: asText(obj.value) ?? '' };
  if (type !== undefined) prop.type = type;
  const subtype = asText(obj.subtype);
  if (subtype !== undefined) prop.subtype = subtype;
  return prop;
}

/** Integer within [min, max], accepting numbers or numeric strings. */
export function intInRange(value: unknown, field: string, min: number, max: number): number {
  const text = asText(value);
  const n = text === undefined ? Number.NaN : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badRequestText(
      `Invalid value for ${field}: ${String(text)}. Accepted values are ${min} to ${max}.`,
    );
  }
  return n;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const text = asText(value);
  if (text === undefined || !(allowed as readonly string[]).includes(text)) {
    throw badRequestJson(
      `Invalid ${field}: ${String(text)}. Accepted values (case sensitive): ${allowed.join(', ')}`,
    );
  }
  return text as T;
}
