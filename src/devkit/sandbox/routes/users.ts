import { ok, type RouteContext, type SimResponse } from '../http.js';
import { type Route, route } from '../router.js';
import { userToWire } from '../wire.js';

// Not in the reference: Agile serves the domain users at api/users and the caller at api/users/current-user.
function listUsers(ctx: RouteContext): SimResponse {
  return ok(ctx.state.users.map(userToWire), 'domainUser');
}

function currentUser(ctx: RouteContext): SimResponse {
  return ok(userToWire(ctx.currentUser), 'domainUser');
}

export function userRoutes(): Route[] {
  return [
    route('GET', 'api/users', listUsers),
    route('GET', 'api/users/current-user', currentUser),
    route('GET', 'api/current-user', currentUser),
  ];
}
