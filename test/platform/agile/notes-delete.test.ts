import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import type { AgileClient } from '../../../src/platform/agile/index.js';
import { lastRequest, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

describe('notes.deleteForContact (the Undo of a note)', () => {
  it('sends DELETE api/contacts/{contact_id}/notes/{note_id} with ids above 2^53 intact; 204', async () => {
    const contactId = '9007199254740993';
    const note = await client.notes.createForContacts({
      subject: 'Undo me',
      description: 'x',
      contactIds: [contactId],
    });
    await client.notes.deleteForContact(contactId, note.id);
    const request = lastRequest(sim);
    expect(request.method).toBe('DELETE');
    expect(request.path).toBe(`/dev/api/contacts/${contactId}/notes/${note.id}`);
    expect(request.status).toBe(204);
    expect((await client.notes.listForContact(contactId)).some((n) => n.id === note.id)).toBe(false);
  });
});
