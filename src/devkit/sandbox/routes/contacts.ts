import {
  badRequestText,
  epochSec,
  formBody,
  formJson,
  jsonBody,
  noContent,
  ok,
  type RouteContext,
  type SimResponse,
} from '../http.js';
import { type PageRequest, pageAnswer, queryPageRequest } from '../paging.js';
import { type Route, route } from '../router.js';
import { asId, asNumber, asText, parseJsonLossless } from '../serialization.js';
import {
  type ContactProperty,
  type ContactRecord,
  findContactByEmail,
  findContactOrCompany,
  nextId,
  propertyValue,
  type SimulatorState,
} from '../state.js';
import { intInRange, validateProperties, validateProperty, validateTags } from '../validation.js';
import { contactToWire } from '../wire.js';

const MULTI_VALUED = new Set(['email', 'phone', 'website']);

/** Adds or overrides properties; email/phone/website are matched on name and subtype. */
export function mergeProperties(existing: ContactProperty[], incoming: ContactProperty[]): ContactProperty[] {
  const result = existing.map((p) => ({ ...p }));
  for (const p of incoming) {
    const index = result.findIndex(
      (e) => e.name === p.name && (!MULTI_VALUED.has(p.name) || (e.subtype ?? '') === (p.subtype ?? '')),
    );
    if (index >= 0) result[index] = { ...result[index], ...p };
    else result.push({ ...p });
  }
  return result;
}

function requireContact(state: SimulatorState, id: string | undefined): ContactRecord {
  const contact = id === undefined ? undefined : findContactOrCompany(state, id);
  if (!contact) throw badRequestText(`Contact not found with id ${String(id)}`);
  return contact;
}

function requireContactByEmail(state: SimulatorState, email: string | undefined): ContactRecord {
  if (!email) throw badRequestText('Missing parameter email');
  const contact = findContactByEmail(state, email);
  if (!contact) throw badRequestText(`Contact not found with email ${email}`);
  return contact;
}

function touch(ctx: RouteContext, contact: ContactRecord): void {
  contact.updatedEpochSec = epochSec(ctx.now);
}

function addTags(ctx: RouteContext, contact: ContactRecord, tags: string[]): void {
  const nowMs = ctx.now().getTime();
  for (const tag of tags) {
    if (!contact.tags.some((t) => t.tag === tag)) contact.tags.push({ tag, createdMs: nowMs });
  }
  touch(ctx, contact);
}

function contactJson(ctx: RouteContext, contact: ContactRecord): SimResponse {
  return ok(contactToWire(ctx.state, contact), 'contact');
}

function createContact(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const type = asText(body.type) ?? 'PERSON';
  if (type !== 'PERSON' && type !== 'COMPANY')
    throw badRequestText(`Invalid type ${type}: PERSON or COMPANY`);
  const properties = validateProperties(body.properties);
  const tags = validateTags(body.tags);
  const starValue = body.star_value === undefined ? 0 : intInRange(body.star_value, 'star_value', 0, 5);
  const leadScore =
    body.lead_score === undefined ? 0 : intInRange(body.lead_score, 'lead_score', 0, Number.MAX_SAFE_INTEGER);
  const required = type === 'PERSON' ? 'first_name' : 'name';
  if (!properties.some((p) => p.name === required && p.value.trim() !== '')) {
    throw badRequestText(`${required} is mandatory`);
  }
  if (type === 'PERSON') {
    for (const email of properties.filter((p) => p.name === 'email').map((p) => p.value)) {
      if (email !== '' && findContactByEmail(ctx.state, email)) {
        throw badRequestText('Sorry, duplicate contact found with the same email address.');
      }
    }
  }
  const nowSec = epochSec(ctx.now);
  const contact: ContactRecord = {
    id: nextId(ctx.state),
    type,
    createdEpochSec: nowSec,
    updatedEpochSec: nowSec,
    starValue,
    leadScore,
    tags: [],
    properties: properties.map((p) => (p.type === undefined ? { ...p, type: 'SYSTEM' } : p)),
    ownerId: ctx.currentUser.id,
  };
  addTags(ctx, contact, tags);
  const companyId = asId(body.contact_company_id);
  if (companyId) contact.contactCompanyId = companyId;
  else if (type === 'PERSON') {
    const companyName = propertyValue(contact, 'company');
    const company = ctx.state.companies.find((c) => companyName && propertyValue(c, 'name') === companyName);
    if (company) contact.contactCompanyId = company.id;
  }
  if (type === 'PERSON') ctx.state.contacts.push(contact);
  else ctx.state.companies.push(contact);
  return contactJson(ctx, contact);
}

function editProperties(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = requireContact(ctx.state, asId(body.id));
  const incoming = validateProperties(body.properties);
  for (const p of incoming) {
    if (p.name !== 'email' || contact.type !== 'PERSON') continue;
    const other = findContactByEmail(ctx.state, p.value);
    if (other && other.id !== contact.id) {
      throw badRequestText('Sorry, duplicate contact found with the same email address.');
    }
  }
  contact.properties = mergeProperties(contact.properties, incoming);
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function editLeadScore(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = requireContact(ctx.state, asId(body.id));
  contact.leadScore = intInRange(body.lead_score, 'lead_score', 0, Number.MAX_SAFE_INTEGER);
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function editStar(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = requireContact(ctx.state, asId(body.id));
  contact.starValue = intInRange(body.star_value, 'star_value', 0, 5);
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function editTags(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = requireContact(ctx.state, asId(body.id));
  addTags(ctx, contact, validateTags(body.tags));
  return contactJson(ctx, contact);
}

function deleteTags(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = requireContact(ctx.state, asId(body.id));
  const remove = new Set(validateTags(body.tags));
  contact.tags = contact.tags.filter((t) => !remove.has(t.tag));
  touch(ctx, contact);
  // "Returns the tag list in the response."
  return ok(
    contact.tags.map((t) => t.tag),
    'tag',
  );
}

function searchByEmailGet(ctx: RouteContext): SimResponse {
  const contact = findContactByEmail(ctx.state, ctx.params.email ?? '');
  return contact ? contactJson(ctx, contact) : noContent();
}

function searchByEmailPost(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const emails = formJson(form, 'email_ids', parseJsonLossless);
  if (!Array.isArray(emails) || emails.some((e) => typeof e !== 'string')) {
    throw badRequestText('email_ids should be a JSON array of email strings');
  }
  // Reference: "If email doesn't match, it will return an empty object." — `{}` for each email that
  // matched nobody, and `{}` as the whole answer when none matched.
  const found = (emails as string[]).map((email) => {
    const contact = findContactByEmail(ctx.state, email);
    return contact ? contactToWire(ctx.state, contact) : {};
  });
  if (found.every((entry) => !('id' in entry))) return ok({}, 'contact');
  return ok(found, 'contact');
}

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

function searchByPhone(ctx: RouteContext): SimResponse {
  const wanted = ctx.params.phone ?? '';
  const contact = ctx.state.contacts.find((c) =>
    c.properties.some(
      (p) =>
        p.name === 'phone' &&
        (p.value === wanted || (digits(wanted) !== '' && digits(p.value) === digits(wanted))),
    ),
  );
  return contact ? contactJson(ctx, contact) : noContent();
}

function searchText(c: ContactRecord): string {
  return c.properties
    .filter((p) => ['first_name', 'last_name', 'name', 'email', 'company', 'title', 'phone'].includes(p.name))
    .map((p) => p.value)
    .join(' ')
    .toLowerCase();
}

function fullTextSearch(ctx: RouteContext): SimResponse {
  const q = ctx.query.q;
  const pageSize = ctx.query.page_size;
  const rawType = ctx.query.type?.replace(/^"|"$/g, '');
  if (!q || !pageSize || !rawType) throw badRequestText('q, page_size and type are mandatory parameters');
  if (rawType !== 'PERSON' && rawType !== 'COMPANY') throw badRequestText(`Invalid type ${rawType}`);
  const size = asNumber(pageSize);
  if (size === undefined || size <= 0) throw badRequestText(`Invalid page_size ${pageSize}`);
  const tokens = q.toLowerCase().split(/\s+/).filter(Boolean);
  const pool = rawType === 'PERSON' ? ctx.state.contacts : ctx.state.companies;
  const hits = pool.filter((c) => {
    const text = searchText(c);
    return tokens.every((t) => text.includes(t));
  });
  if (hits.length === 0) return noContent();
  return ok(
    hits.slice(0, size).map((c) => contactToWire(ctx.state, c)),
    'contact',
  );
}

function emailTagsAdd(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const contact = requireContactByEmail(ctx.state, form.email);
  addTags(ctx, contact, validateTags(formJson(form, 'tags', parseJsonLossless)));
  return noContent();
}

function emailTagsDelete(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const contact = requireContactByEmail(ctx.state, form.email);
  const remove = new Set(validateTags(formJson(form, 'tags', parseJsonLossless)));
  contact.tags = contact.tags.filter((t) => !remove.has(t.tag));
  touch(ctx, contact);
  return noContent();
}

function addScore(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const contact = requireContactByEmail(ctx.state, form.email);
  const delta = intInRange(form.score, 'score', -1_000_000_000, 1_000_000_000);
  contact.leadScore += delta;
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function addPropertyByEmail(ctx: RouteContext): SimResponse {
  const contact = requireContactByEmail(ctx.state, ctx.query.email);
  const prop = validateProperty(jsonBody(ctx, parseJsonLossless));
  contact.properties = mergeProperties(contact.properties, [prop]);
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function changeOwner(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const ownerEmail = form.owner_email;
  const contactId = asId(form.contact_id);
  if (!ownerEmail || !contactId) throw badRequestText('owner_email and contact_id are mandatory');
  const contact = requireContact(ctx.state, contactId);
  const user = ctx.state.users.find((u) => u.email === ownerEmail);
  // Documented: a 200 carrying a message (not JSON) when the user does not exist.
  if (!user) return { status: 200, text: `User does not exist with this email: ${ownerEmail}` };
  contact.ownerId = user.id;
  touch(ctx, contact);
  return contactJson(ctx, contact);
}

function getContact(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  const contact = id ? findContactOrCompany(ctx.state, id) : undefined;
  return contact ? contactJson(ctx, contact) : noContent();
}

function deleteContact(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  ctx.state.contacts = ctx.state.contacts.filter((c) => c.id !== id);
  ctx.state.companies = ctx.state.companies.filter((c) => c.id !== id);
  return noContent();
}

function sortContacts(items: ContactRecord[], key: string | undefined): ContactRecord[] {
  if (!key) return items;
  const desc = key.startsWith('-');
  const field = desc ? key.slice(1) : key;
  const value = (c: ContactRecord): number =>
    field === 'updated_time' ? c.updatedEpochSec : field === 'created_time' ? c.createdEpochSec : 0;
  return [...items].sort((a, b) => (desc ? value(b) - value(a) : value(a) - value(b)));
}

/** One page of contacts or companies, each as Agile's contact JSON. */
function contactPage(
  ctx: RouteContext,
  listKey: string,
  items: ContactRecord[],
  request: PageRequest,
): SimResponse {
  return pageAnswer(listKey, items, request, (c) => contactToWire(ctx.state, c), 'contact');
}

function listContacts(ctx: RouteContext): SimResponse {
  return contactPage(ctx, 'contacts', ctx.state.contacts, queryPageRequest(ctx));
}

function listCompanies(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const items = sortContacts(ctx.state.companies, form.global_sort_key);
  return contactPage(ctx, 'companies', items, { pageSize: form.page_size, cursor: form.cursor });
}

interface FilterRule {
  LHS?: unknown;
  CONDITION?: unknown;
  RHS?: unknown;
  RHS_NEW?: unknown;
}

function ruleMatches(ctx: RouteContext, c: ContactRecord, rule: FilterRule): boolean {
  const lhs = asText(rule.LHS) ?? '';
  const condition = asText(rule.CONDITION) ?? '';
  const rhs = asText(rule.RHS) ?? '';
  if (lhs === 'tags') {
    const has = c.tags.some((t) => t.tag === rhs);
    return condition === 'NOTEQUALS' ? !has : has;
  }
  if (lhs === 'created_time' || lhs === 'updated_time') {
    // Dynamic-filter time values are milliseconds.
    const ms = (lhs === 'created_time' ? c.createdEpochSec : c.updatedEpochSec) * 1000;
    const rhsMs = Number(rhs);
    const dayMs = 86_400_000;
    switch (condition) {
      case 'LAST':
        return ms >= ctx.now().getTime() - Number(rhs) * dayMs;
      case 'AFTER':
        return ms > rhsMs;
      case 'BEFORE':
        return ms < rhsMs;
      case 'ON':
        return ms >= rhsMs && ms < rhsMs + dayMs;
      case 'BETWEEN':
        return ms >= rhsMs && ms <= Number(asText(rule.RHS_NEW));
      default:
        return false;
    }
  }
  const value = propertyValue(c, lhs);
  if (condition === 'NOTEQUALS') return value !== rhs;
  return value === rhs;
}

function dynamicFilter(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const filter = formJson(form, 'filterJson', parseJsonLossless) as Record<string, unknown> | null;
  if (filter === null || typeof filter !== 'object')
    throw badRequestText('filterJson should be a JSON object');
  const contactType = asText(filter.contact_type) ?? 'PERSON';
  if (contactType === 'OPPORTUNITY') throw badRequestText('Deal filters are not supported by the simulator');
  const rules = (Array.isArray(filter.rules) ? filter.rules : []) as FilterRule[];
  const orRules = (Array.isArray(filter.or_rules) ? filter.or_rules : []) as FilterRule[];
  const pool = contactType === 'COMPANY' ? ctx.state.companies : ctx.state.contacts;
  const matched = pool.filter(
    (c) =>
      rules.every((r) => ruleMatches(ctx, c, r)) &&
      (orRules.length === 0 || orRules.some((r) => ruleMatches(ctx, c, r))),
  );
  const items = sortContacts(matched, form.global_sort_key);
  return contactPage(ctx, 'dynamic-filter', items, { pageSize: form.page_size, cursor: form.cursor });
}

export function contactRoutes(): Route[] {
  return [
    route('GET', 'api/contacts', listContacts),
    route('POST', 'api/contacts', createContact),
    route('GET', 'api/contacts/:id', getContact),
    route('DELETE', 'api/contacts/:id', deleteContact),
    route('PUT', 'api/contacts/edit-properties', editProperties),
    route('PUT', 'api/contacts/edit/lead-score', editLeadScore),
    route('PUT', 'api/contacts/edit/add-star', editStar),
    route('PUT', 'api/contacts/edit/tags', editTags),
    route('PUT', 'api/contacts/delete/tags', deleteTags),
    route('GET', 'api/contacts/search/email/:email', searchByEmailGet),
    route('POST', 'api/contacts/search/email', searchByEmailPost),
    route('GET', 'api/contacts/search/phonenumber/:phone', searchByPhone),
    route('GET', 'api/search', fullTextSearch),
    route('POST', 'api/contacts/email/tags/add', emailTagsAdd),
    route('POST', 'api/contacts/email/tags/delete', emailTagsDelete),
    route('POST', 'api/contacts/add-score', addScore),
    route('POST', 'api/contacts/add/property', addPropertyByEmail),
    route('POST', 'api/contacts/change-owner', changeOwner),
    route('POST', 'api/contacts/companies/list', listCompanies),
    route('POST', 'api/filters/filter/dynamic-filter', dynamicFilter),
  ];
}
