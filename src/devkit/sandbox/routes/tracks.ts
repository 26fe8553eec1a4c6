import { badRequestText, jsonBody, noContent, ok, type RouteContext, type SimResponse } from '../http.js';
import { type Route, route } from '../router.js';
import { asId, asText, parseJsonLossless } from '../serialization.js';
import { nextId } from '../state.js';
import { trackToWire } from '../wire.js';

function validMilestones(value: unknown): string {
  const text = asText(value);
  if (!text?.trim()) throw badRequestText('milestones is mandatory: a comma-separated string');
  const parts = text.split(',').map((m) => m.trim());
  for (const m of parts) {
    // "First letter of all the milestones should be in uppercase."
    if (!/^[A-Z]/.test(m)) throw badRequestText(`Milestone '${m}' should start with an uppercase letter`);
  }
  if (new Set(parts).size !== parts.length) throw badRequestText('Milestones should be unique');
  return parts.join(',');
}

function validName(value: unknown): string {
  const name = asText(value)?.trim();
  if (!name) throw badRequestText('Track name is mandatory');
  if (name === 'Default') throw badRequestText('Track name should not be "Default"');
  return name;
}

function listTracks(ctx: RouteContext): SimResponse {
  return ctx.state.tracks.length === 0 ? noContent() : ok(ctx.state.tracks.map(trackToWire), 'milestone');
}

function saveTrack(ctx: RouteContext, allowUpdate: boolean): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const name = validName(body.name);
  const milestones = validMilestones(body.milestones);
  const id = asId(body.id);
  const existing = id === undefined ? undefined : ctx.state.tracks.find((t) => t.id === id);
  if (ctx.state.tracks.some((t) => t.name === name && t.id !== existing?.id)) {
    throw badRequestText(`A track named ${name} already exists`);
  }
  if (existing && allowUpdate) {
    existing.name = name;
    existing.milestones = milestones;
    return ok(trackToWire(existing), 'milestone');
  }
  // PUT without a known id "will be considered as a new track".
  const track = { id: nextId(ctx.state), name, milestones, isDefault: ctx.state.tracks.length === 0 };
  ctx.state.tracks.push(track);
  return ok(trackToWire(track), 'milestone');
}

function deleteTrack(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  ctx.state.tracks = ctx.state.tracks.filter((t) => t.id !== id);
  return noContent();
}

export function trackRoutes(): Route[] {
  return [
    route('GET', 'api/milestone/pipelines', listTracks),
    route('POST', 'api/milestone/pipelines', (ctx) => saveTrack(ctx, false)),
    route('PUT', 'api/milestone/pipelines', (ctx) => saveTrack(ctx, true)),
    route('DELETE', 'api/milestone/pipelines/:id', deleteTrack),
  ];
}
