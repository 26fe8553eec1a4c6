import { describe, expect, it } from 'vitest';
import { useSimulator } from './sim-fetch.js';

const sim = useSimulator({
  domains: ['sandbox', 'acme'],
  members: [{ email: 'raj.patel@example.com', apiKey: 'raj-key' }],
});

function get(url: string, email: string, apiKey: string) {
  return fetch(url, {
    headers: {
      Accept: 'application/json',
      Authorization: `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`,
    },
  });
}

const pipelines = (domain: string) => `${sim.urlTemplate.replace('{domain}', domain)}api/milestone/pipelines`;

describe('simulator: members and domains', () => {
  it('accepts a member’s own key and records who each request authenticated as', async () => {
    const res = await get(pipelines('acme'), 'raj.patel@example.com', 'raj-key');
    expect(res.status).toBe(200);
    const last = sim.requests.at(-1);
    expect(last).toMatchObject({
      user: 'raj.patel@example.com',
      domain: 'acme',
      path: '/acme/dev/api/milestone/pipelines',
    });
  });

  it('answers 401 to a wrong key, even a member’s email with the API user’s key', async () => {
    const res = await get(pipelines('acme'), 'raj.patel@example.com', sim.credentials.apiKey);
    expect(res.status).toBe(401);
    expect(sim.requests.at(-1)?.user).toBeUndefined();
  });

  it('answers 404 for a domain it does not serve, and keeps serving the plain /dev/ URL', async () => {
    expect((await get(pipelines('nosuchco'), sim.credentials.email, sim.credentials.apiKey)).status).toBe(
      404,
    );
    expect(
      (await get(`${sim.url}api/milestone/pipelines`, sim.credentials.email, sim.credentials.apiKey)).status,
    ).toBe(200);
  });

  it('addMember lasts until reset', async () => {
    sim.addMember({ email: 'alice.moreno@example.com', apiKey: 'alice-key' });
    expect((await get(pipelines('sandbox'), 'alice.moreno@example.com', 'alice-key')).status).toBe(200);
    sim.reset();
    expect((await get(pipelines('sandbox'), 'alice.moreno@example.com', 'alice-key')).status).toBe(401);
  });
});
