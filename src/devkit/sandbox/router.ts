import type { RouteHandler } from './http.js';

export interface Route {
  method: string;
  /** Path after /dev/, e.g. 'api/contacts/:id'. */
  pattern: string;
  handler: RouteHandler;
}

export interface RouteMatch {
  handler: RouteHandler;
  params: Record<string, string>;
}

export function route(method: string, pattern: string, handler: RouteHandler): Route {
  return { method, pattern, handler };
}

/** Literal segments win over parameters, so 'api/tasks/based' never reaches 'api/tasks/:id'. */
export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): RouteMatch | 'method-not-allowed' | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  let best: { match: RouteMatch; literals: number } | undefined;
  let pathMatched = false;
  for (const r of routes) {
    const parts = r.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let matched = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      const seg = segments[i] ?? '';
      if (part.startsWith(':')) {
        try {
          params[part.slice(1)] = decodeURIComponent(seg);
        } catch {
          matched = false;
          break;
        }
      } else if (part === seg) {
        literals++;
      } else {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    if (!best || literals > best.literals) best = { match: { handler: r.handler, params }, literals };
  }
  if (best) return best.match;
  return pathMatched ? 'method-not-allowed' : undefined;
}
