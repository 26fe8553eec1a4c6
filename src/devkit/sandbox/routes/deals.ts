import {
  badRequestJson,
  badRequestText,
  epochSec,
  formBody,
  jsonBody,
  noContent,
  ok,
  type RouteContext,
  type SimResponse,
} from '../http.js';
import { listAnswer, pageAnswer, queryPageRequest } from '../paging.js';
import { type Route, route } from '../router.js';
import { asId, asIdList, asNumber, asText, parseJsonLossless } from '../serialization.js';
import {
  type DealRecord,
  defaultTrack,
  findContactByEmail,
  findContactOrCompany,
  linkedTo,
  milestonesOf,
  nextId,
  type SimulatorState,
  type TrackRecord,
} from '../state.js';
import { intInRange } from '../validation.js';
import { dealToWire } from '../wire.js';

const MAX_EXPECTED_VALUE = 1_000_000_000_000;

function trackFor(state: SimulatorState, pipelineId: string | undefined): TrackRecord {
  if (pipelineId === undefined || pipelineId === '0') {
    const track = defaultTrack(state);
    if (!track) throw badRequestText('No track found in this domain');
    return track;
  }
  const track = state.tracks.find((t) => t.id === pipelineId);
  if (!track) throw badRequestJson(`There is no track with id ${pipelineId}`);
  return track;
}

function expectedValue(value: unknown): number {
  const n = asNumber(value);
  if (n === undefined || n < 0) throw badRequestText(`Invalid expected_value: ${String(asText(value))}`);
  if (n > MAX_EXPECTED_VALUE) throw badRequestText('expected_value should not exceed 1000000000000');
  return n;
}

function contactIds(state: SimulatorState, value: unknown): string[] {
  const ids = asIdList(value);
  if (!ids) throw badRequestText('contact_ids should be a list of contact ids');
  for (const id of ids) {
    if (!findContactOrCompany(state, id)) throw badRequestText(`Contact not found with id ${id}`);
  }
  return ids;
}

function ownerId(state: SimulatorState, value: unknown, fallback: string): string {
  if (value === undefined || asText(value) === '') return fallback;
  const id = asId(value);
  if (!id || !state.users.some((u) => u.id === id))
    throw badRequestText(`No domain user with id ${String(asText(value))}`);
  return id;
}

function customData(value: unknown): { name: string; value: string }[] {
  if (!Array.isArray(value)) throw badRequestText('custom_data should be a list of {name, value}');
  return value.map((item) => {
    const obj = (item ?? {}) as Record<string, unknown>;
    return { name: asText(obj.name) ?? '', value: asText(obj.value) ?? '' };
  });
}

/** Applies the sent fields onto a deal (partial), validating against the field table. */
function applyDealFields(ctx: RouteContext, deal: DealRecord, body: Record<string, unknown>): void {
  const state = ctx.state;
  if (body.name !== undefined) {
    const name = asText(body.name)?.trim();
    if (!name) throw badRequestText('Deal name is mandatory');
    deal.name = name;
  }
  if (body.description !== undefined) deal.description = asText(body.description) ?? '';
  if (body.expected_value !== undefined) deal.expectedValue = expectedValue(body.expected_value);
  if (body.probability !== undefined) deal.probability = intInRange(body.probability, 'probability', 0, 100);
  if (body.close_date !== undefined) {
    const close = asNumber(body.close_date);
    if (close === undefined || !Number.isInteger(close))
      throw badRequestText('close_date should be epoch seconds');
    deal.closeEpochSec = close;
  }
  if (body.owner_id !== undefined) deal.ownerId = ownerId(state, body.owner_id, deal.ownerId);
  if (body.contact_ids !== undefined) deal.contactIds = contactIds(state, body.contact_ids);
  if (body.custom_data !== undefined) deal.customData = customData(body.custom_data);
  if (body.archived !== undefined) deal.archived = asText(body.archived) === 'true';
  const pipelineSent = body.pipeline_id !== undefined && asText(body.pipeline_id) !== '';
  const track = pipelineSent
    ? trackFor(state, asId(body.pipeline_id))
    : trackFor(state, deal.pipelineId || undefined);
  deal.pipelineId = track.id;
  if (body.milestone !== undefined) deal.milestone = asText(body.milestone) ?? '';
  if (body.milestone !== undefined || pipelineSent) {
    // Milestones are case-sensitive: "won" is not "Won".
    if (!milestonesOf(track).includes(deal.milestone)) {
      throw badRequestJson(
        `Milestone '${deal.milestone}' does not exist in track '${track.name}'. Valid milestones: ${track.milestones}`,
      );
    }
  }
  deal.updatedEpochSec = epochSec(ctx.now);
}

function newDeal(ctx: RouteContext, body: Record<string, unknown>, extraContactId?: string): DealRecord {
  if (body.expected_value === undefined || asText(body.expected_value) === '') {
    throw badRequestText('expected_value is mandatory');
  }
  if (!asText(body.name)?.trim()) throw badRequestText('Deal name is mandatory');
  if (body.milestone === undefined || asText(body.milestone) === '')
    throw badRequestJson('milestone is mandatory');
  const nowSec = epochSec(ctx.now);
  const deal: DealRecord = {
    id: '',
    name: '',
    description: '',
    expectedValue: 0,
    pipelineId: '',
    milestone: '',
    probability: 0,
    closeEpochSec: 0,
    createdEpochSec: nowSec,
    updatedEpochSec: nowSec,
    ownerId: ctx.currentUser.id,
    contactIds: [],
    customData: [],
    archived: false,
  };
  applyDealFields(ctx, deal, { ...body, milestone: body.milestone });
  if (extraContactId && !deal.contactIds.includes(extraContactId)) deal.contactIds.push(extraContactId);
  deal.id = nextId(ctx.state);
  ctx.state.deals.push(deal);
  return deal;
}

function dealJson(ctx: RouteContext, deal: DealRecord): SimResponse {
  return ok(dealToWire(ctx.state, deal), 'opportunity');
}

function findDeal(state: SimulatorState, id: string | undefined): DealRecord | undefined {
  return id === undefined ? undefined : state.deals.find((d) => d.id === id);
}

function createOrUpdateDeal(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const id = asId(body.id);
  // "If Post data includes valid deal id, respective deal is updated with the data sent in request."
  const existing = findDeal(ctx.state, id);
  if (existing) {
    applyDealFields(ctx, existing, body);
    return dealJson(ctx, existing);
  }
  return dealJson(ctx, newDeal(ctx, body));
}

function partialUpdate(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const deal = findDeal(ctx.state, asId(body.id));
  if (!deal) throw badRequestText(`Deal not found with id ${String(asText(body.id))}`);
  applyDealFields(ctx, deal, body);
  return dealJson(ctx, deal);
}

function removeContacts(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const deal = findDeal(ctx.state, asId(body.id));
  if (!deal) throw badRequestText(`Deal not found with id ${String(asText(body.id))}`);
  const remove = new Set(asIdList(body.contact_ids) ?? []);
  deal.contactIds = deal.contactIds.filter((id) => !remove.has(id));
  deal.updatedEpochSec = epochSec(ctx.now);
  return dealJson(ctx, deal);
}

function createForEmail(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = findContactByEmail(ctx.state, ctx.params.email ?? '');
  // "If there is no contact, it will not create any deal."
  if (!contact) throw badRequestText(`Contact not found with email ${ctx.params.email ?? ''}`);
  return dealJson(ctx, newDeal(ctx, body, contact.id));
}

function getDeal(ctx: RouteContext): SimResponse {
  const deal = findDeal(ctx.state, asId(ctx.params.id));
  return deal ? dealJson(ctx, deal) : noContent();
}

function deleteDeal(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  ctx.state.deals = ctx.state.deals.filter((d) => d.id !== id);
  return noContent();
}

function bulkDelete(ctx: RouteContext): SimResponse {
  // The reference sends a JSON text under a form content type; accept both that and ids=[…].
  const form = ctx.contentType === 'application/x-www-form-urlencoded' ? formBody(ctx) : {};
  let raw: unknown;
  try {
    raw =
      form.ids !== undefined
        ? parseJsonLossless(form.ids)
        : (parseJsonLossless(ctx.rawBody) as { ids?: unknown }).ids;
  } catch {
    throw badRequestText('ids should be a JSON array of deal ids');
  }
  const ids = asIdList(raw);
  if (!ids) throw badRequestText('ids should be a JSON array of deal ids');
  const remove = new Set(ids);
  ctx.state.deals = ctx.state.deals.filter((d) => !remove.has(d.id));
  return { status: 200, text: '' };
}

function listDeals(ctx: RouteContext): SimResponse {
  return pageAnswer(
    'deals',
    ctx.state.deals,
    queryPageRequest(ctx),
    (d) => dealToWire(ctx.state, d),
    'opportunity',
  );
}

function groupedByMilestone(ctx: RouteContext, track: TrackRecord): SimResponse {
  const grouped: Record<string, unknown[]> = {};
  for (const milestone of milestonesOf(track)) grouped[milestone] = [];
  for (const deal of ctx.state.deals.filter((d) => d.pipelineId === track.id)) {
    // A deal whose milestone is not in the track (wrong case) is hidden from the milestone view.
    // Reference (byMilestone example): every deal and its owner carry empty "cursor" and "count".
    const wire = dealToWire(ctx.state, deal);
    const owner = wire.owner as Record<string, unknown> | undefined;
    grouped[deal.milestone]?.push({
      cursor: '',
      count: '',
      ...wire,
      ...(owner ? { owner: { cursor: '', count: '', ...owner } } : {}),
    });
  }
  return ok(grouped, 'milestones');
}

function byMilestone(ctx: RouteContext): SimResponse {
  return groupedByMilestone(ctx, trackFor(ctx.state, undefined));
}

function byPipeline(ctx: RouteContext): SimResponse {
  return groupedByMilestone(ctx, trackFor(ctx.state, asId(ctx.query.pipeline_id) ?? '0'));
}

function dealsOfTrack(ctx: RouteContext): SimResponse {
  const pipelineId = asId(ctx.query.pipeline_id) ?? '0';
  const deals =
    pipelineId === '1'
      ? ctx.state.deals
      : ctx.state.deals.filter((d) => d.pipelineId === trackFor(ctx.state, pipelineId).id);
  return pageAnswer(
    `deals-based-${pipelineId}`,
    deals,
    queryPageRequest(ctx),
    (d) => dealToWire(ctx.state, d),
    'opportunity',
  );
}

function contactDeals(ctx: RouteContext): SimResponse {
  const deals = linkedTo(ctx.state.deals, 'contactIds', asId(ctx.params.id));
  return listAnswer(deals, (d) => dealToWire(ctx.state, d), 'opportunity');
}

function myDeals(ctx: RouteContext): SimResponse {
  const deals = ctx.state.deals.filter((d) => d.ownerId === ctx.currentUser.id);
  return listAnswer(deals, (d) => dealToWire(ctx.state, d), 'opportunity');
}

export function dealRoutes(): Route[] {
  return [
    route('GET', 'api/opportunity', listDeals),
    route('POST', 'api/opportunity', createOrUpdateDeal),
    route('GET', 'api/opportunity/:id', getDeal),
    route('DELETE', 'api/opportunity/:id', deleteDeal),
    route('PUT', 'api/opportunity/partial-update', partialUpdate),
    route('PUT', 'api/opportunity/partial-update/delete-contact', removeContacts),
    route('POST', 'api/opportunity/email/:email', createForEmail),
    route('POST', 'api/opportunity/bulk', bulkDelete),
    route('GET', 'api/opportunity/byMilestone', byMilestone),
    route('GET', 'api/opportunity/byPipeline/based', byPipeline),
    route('GET', 'api/opportunity/based', dealsOfTrack),
    route('GET', 'api/opportunity/my/deals', myDeals),
    route('GET', 'api/contacts/:id/deals', contactDeals),
  ];
}
