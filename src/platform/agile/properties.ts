/** Reading and building Agile contact/company properties ({type, name, subtype, value} lists). */

export interface PropertyLike {
  name: string;
  type?: string | undefined;
  subtype?: string | undefined;
  value?: string | number | boolean | undefined;
}

export interface HasProperties {
  type?: string | undefined;
  properties: readonly PropertyLike[];
}

/** What create/edit calls send. Never null values: the API asks for the field to be left out. */
export interface ContactPropertyInput {
  name: string;
  type: 'SYSTEM' | 'CUSTOM';
  subtype?: string;
  value: string;
}

export interface Address {
  address?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  countryname?: string;
  [key: string]: string | undefined;
}

export interface SubtypedValue {
  value: string;
  subtype?: string;
}

/** The names Agile treats as SYSTEM properties; anything else is a custom field. */
export const SYSTEM_PROPERTY_NAMES = new Set([
  'first_name',
  'last_name',
  'name',
  'name_lower',
  'email',
  'phone',
  'company',
  'title',
  'address',
  'website',
  'url',
  'image',
]);

function propertyText(p: PropertyLike): string {
  return p.value === undefined || p.value === null ? '' : String(p.value).trim();
}

export function getProperties(entity: HasProperties, name: string): PropertyLike[] {
  return entity.properties.filter((p) => p.name === name);
}

/** First non-empty value of the property (optionally of one subtype). */
export function getProperty(entity: HasProperties, name: string, subtype?: string): string | undefined {
  for (const p of getProperties(entity, name)) {
    if (subtype !== undefined && p.subtype !== subtype) continue;
    const v = propertyText(p);
    if (v !== '') return v;
  }
  return undefined;
}

function subtypedValues(entity: HasProperties, name: string): SubtypedValue[] {
  const out: SubtypedValue[] = [];
  for (const p of getProperties(entity, name)) {
    const value = propertyText(p);
    if (value === '') continue;
    out.push(p.subtype ? { value, subtype: p.subtype } : { value });
  }
  return out;
}

export const getFirstName = (e: HasProperties) => getProperty(e, 'first_name');
export const getLastName = (e: HasProperties) => getProperty(e, 'last_name');
export const getCompanyName = (e: HasProperties) => getProperty(e, 'company');
export const getTitle = (e: HasProperties) => getProperty(e, 'title');
export const getEmails = (e: HasProperties) => subtypedValues(e, 'email');
export const getPhones = (e: HasProperties) => subtypedValues(e, 'phone');
export const getWebsites = (e: HasProperties) => subtypedValues(e, 'website');
export const getPrimaryEmail = (e: HasProperties) => getEmails(e)[0]?.value;
export const getPrimaryPhone = (e: HasProperties) => getPhones(e)[0]?.value;

/** "First Last" for a person, the `name` property for a company, else the first email. */
export function getFullName(entity: HasProperties): string | undefined {
  if (entity.type === 'COMPANY') return getProperty(entity, 'name') ?? getPrimaryEmail(entity);
  const full = [getFirstName(entity), getLastName(entity)].filter(Boolean).join(' ').trim();
  return full || getProperty(entity, 'name') || getPrimaryEmail(entity);
}

/** The address property is a JSON string; a value that is not JSON is kept as the street line. */
export function parseAddress(raw: string | undefined): Address | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const out: Address = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (v !== null && v !== undefined && String(v).trim() !== '') out[k] = String(v);
      }
      return out;
    }
  } catch {
    // not JSON: fall through
  }
  return { address: raw.trim() };
}

export function getAddress(entity: HasProperties): Address | undefined {
  return parseAddress(getProperty(entity, 'address'));
}

/** One line for display: "street, city, state zip, country". */
export function formatAddress(address: Address | undefined): string | undefined {
  if (!address) return undefined;
  const stateZip = [address.state, address.zip].filter(Boolean).join(' ');
  const line = [address.address, address.city, stateZip, address.countryname ?? address.country]
    .filter((part) => part && part.trim() !== '')
    .join(', ');
  return line || undefined;
}

/** Custom fields (type CUSTOM) as name → value. */
export function getCustomFields(entity: HasProperties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of entity.properties) {
    if (p.type === 'CUSTOM' && !(p.name in out)) out[p.name] = propertyText(p);
  }
  return out;
}

export function systemProperty(name: string, value: string, subtype?: string): ContactPropertyInput {
  return subtype ? { type: 'SYSTEM', name, value, subtype } : { type: 'SYSTEM', name, value };
}

export function customProperty(name: string, value: string | number): ContactPropertyInput {
  return { type: 'CUSTOM', name, value: String(value) };
}

export interface ContactFields {
  firstName?: string;
  lastName?: string;
  /** A plain string is sent with subtype "work". */
  emails?: Array<string | SubtypedValue>;
  phones?: Array<string | SubtypedValue>;
  company?: string;
  title?: string;
  address?: Address;
  websites?: Array<string | SubtypedValue>;
  /** Custom fields by name; dates as epoch seconds. */
  custom?: Record<string, string | number>;
}

function subtyped(name: string, items: Array<string | SubtypedValue> | undefined, defaultSubtype?: string) {
  return (items ?? [])
    .map((item) => (typeof item === 'string' ? { value: item, subtype: defaultSubtype } : item))
    .filter((item) => item.value.trim() !== '')
    .map((item) => systemProperty(name, item.value.trim(), item.subtype));
}

/** Builds the property list for a create or an edit-properties call; empty fields are left out. */
export function buildContactProperties(fields: ContactFields): ContactPropertyInput[] {
  const out: ContactPropertyInput[] = [];
  const single = (name: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') out.push(systemProperty(name, value.trim()));
  };
  single('first_name', fields.firstName);
  single('last_name', fields.lastName);
  out.push(...subtyped('email', fields.emails, 'work'));
  out.push(...subtyped('phone', fields.phones, 'work'));
  single('company', fields.company);
  single('title', fields.title);
  if (fields.address) {
    const cleaned = Object.fromEntries(
      Object.entries(fields.address).filter(([, v]) => v !== undefined && v.trim() !== ''),
    );
    if (Object.keys(cleaned).length > 0) out.push(systemProperty('address', JSON.stringify(cleaned)));
  }
  out.push(...subtyped('website', fields.websites, 'URL'));
  for (const [name, value] of Object.entries(fields.custom ?? {})) out.push(customProperty(name, value));
  return out;
}

/** Company property list: `name` is the company's name, `url` its site. */
export function buildCompanyProperties(fields: {
  name: string;
  url?: string;
  emails?: Array<string | SubtypedValue>;
  phones?: Array<string | SubtypedValue>;
  address?: Address;
  custom?: Record<string, string | number>;
}): ContactPropertyInput[] {
  const out: ContactPropertyInput[] = [systemProperty('name', fields.name.trim())];
  if (fields.url?.trim()) out.push(systemProperty('url', fields.url.trim()));
  out.push(...subtyped('email', fields.emails));
  out.push(...subtyped('phone', fields.phones));
  if (fields.address) out.push(...buildContactProperties({ address: fields.address }));
  for (const [name, value] of Object.entries(fields.custom ?? {})) out.push(customProperty(name, value));
  return out;
}
