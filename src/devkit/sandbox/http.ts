import type { DomainUser, SimulatorState } from './state.js';

/** What a route handler gets. */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Lower-cased media type of the request, without parameters ('' when absent). */
  contentType: string;
  rawBody: string;
  state: SimulatorState;
  now: () => Date;
  currentUser: DomainUser;
}

export type SimResponse =
  | { status: number; json: unknown; xmlRoot?: string }
  | { status: number; text: string }
  | { status: 204 };

export type RouteHandler = (ctx: RouteContext) => SimResponse;

/** Thrown by handlers to answer an error status. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly bodyContentType: 'text/plain' | 'application/json' = 'text/plain',
  ) {
    super(body);
    this.name = 'SimHttpError';
  }
}

export const noContent = (): SimResponse => ({ status: 204 });
export const ok = (json: unknown, xmlRoot?: string): SimResponse => ({ status: 200, json, xmlRoot });

/** 400 as plain text (one of the shapes the real API uses). */
export function badRequestText(message: string): SimHttpError {
  return new SimHttpError(400, message);
}

/** 400 as a JSON object (the other shape the real API uses). */
export function badRequestJson(message: string): SimHttpError {
  return new SimHttpError(
    400,
    JSON.stringify({ status: '400', 'exception message': message }),
    'application/json',
  );
}

/** The Java exception text Agile answers with on unparseable input (a 500, not to be retried). */
export function javaException(className: string, message: string): SimHttpError {
  return new SimHttpError(
    500,
    `${className}: ${message}\n\tat com.agilecrm.core.api.RestAPI.handle(RestAPI.java:212)\n\tat sun.reflect.GeneratedMethodAccessor45.invoke(Unknown Source)`,
  );
}

/** JSON body of a JSON endpoint; 415 for another content type (Jersey's @Consumes), 400 on bad JSON. */
export function jsonBody(ctx: RouteContext, parse: (text: string) => unknown): Record<string, unknown> {
  if (ctx.contentType !== 'application/json') {
    throw new SimHttpError(415, 'Unsupported Media Type: this endpoint consumes application/json');
  }
  let value: unknown;
  try {
    value = parse(ctx.rawBody);
  } catch (error) {
    throw badRequestText(`Unrecognized token in JSON input: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequestText('Expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Form body of a form-encoded endpoint; 415 for another content type. */
export function formBody(ctx: RouteContext): Record<string, string> {
  if (ctx.contentType !== 'application/x-www-form-urlencoded') {
    throw new SimHttpError(
      415,
      'Unsupported Media Type: this endpoint consumes application/x-www-form-urlencoded',
    );
  }
  return Object.fromEntries(new URLSearchParams(ctx.rawBody));
}

/** A form value that carries JSON (email_ids=[…], note={…}, filterJson={…}). */
export function formJson(
  form: Record<string, string>,
  name: string,
  parse: (text: string) => unknown,
): unknown {
  const raw = form[name];
  if (raw === undefined || raw === '') throw badRequestText(`Missing form parameter ${name}`);
  try {
    return parse(raw);
  } catch {
    throw badRequestText(`Invalid JSON in form parameter ${name}`);
  }
}

export function epochSec(now: () => Date): number {
  return Math.floor(now().getTime() / 1000);
}
