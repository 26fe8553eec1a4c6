// The fault matrix, command and button surfaces (the faults and checks: fault-matrix-kit.ts; forms and
// digest buttons have their own files, run in parallel).
import { ACTION } from '../../src/platform/slack/ids.js';
import { blockActionsPayload } from '../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL } from '../helpers/test-bot.js';
import { useTestBot } from '../helpers/use-test-bot.js';
import { describeMatrix, MATRIX_AGILE_OPTIONS, matrixKit, type Surface } from './fault-matrix-kit.js';

const t = useTestBot({
  agileOptions: MATRIX_AGILE_OPTIONS,
  scheduler: { enabled: false },
  // Public replies are sent with the user's own Agile account: the default user has one.
  workspace: { personal: DEFAULT_USER_PERSONAL },
});
const { sim, answered, byCommand, freshDeal, openTicketId } = matrixKit(t);

const ADA = 'ada.lovelace@northwind.example.com';
const contactByEmail = (email: string) =>
  sim().state.contacts.find((c) =>
    c.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email),
  );

const SURFACES: Surface[] = [
  {
    name: 'quick note (/crm note)',
    write: { method: 'POST', path: 'api/notes' },
    act: (token) => byCommand(`note ${ADA} Matrix note ${token}`),
    count: (token) => sim().state.notes.filter((n) => n.subject === `Matrix note ${token}`).length,
    success: /Logged a note/,
  },
  {
    name: 'quick task (/crm task)',
    write: { method: 'POST', path: 'api/tasks' },
    act: (token) => byCommand(`task ${ADA} Call ${token} due tomorrow 3pm`),
    count: (token) => sim().state.tasks.filter((x) => x.subject === `Call ${token}`).length,
    success: /Task created/,
  },
  {
    name: 'quick move (/crm move … because …)',
    write: { method: 'PUT', path: 'api/opportunity/partial-update' },
    open: async (token) => freshDeal(token),
    act: (token, dealId) => byCommand(`move ${dealId} to Lost because ${token}`),
    // The move writes the milestone, then the reason as a deal note: one note per move, never two.
    count: (token) => sim().state.notes.filter((n) => n.description.includes(token)).length,
    countsFollowUp: true,
    success: /moved/,
  },
  {
    // The milestone moves; the fault hits the reason's note after it. A refusal says the deal moved
    // and the note did not (text quoted back); no answer leaves the retry to find or write the note.
    name: 'quick move, its reason note (/crm move … because …)',
    write: { method: 'POST', path: 'api/opportunity/deals/notes' },
    open: async (token) => freshDeal(token),
    act: (token, dealId) => byCommand(`move ${dealId} to Lost because ${token}`),
    count: (token) => sim().state.notes.filter((n) => n.description.includes(token)).length,
    success: /moved/,
    // Never "not moved": the deal did move.
    refusal: /moved: Prospect → \*Lost\*.*reason\/note was \*not\* saved/s,
  },
  {
    name: 'quick ticket reply, public (/crm reply)',
    write: { method: 'POST', path: /^api\/notes\/\d+$/ },
    act: (token) => byCommand(`reply ${openTicketId()} Thanks, fixed ${token}`),
    count: (token) => sim().state.ticketNotes.filter((n) => n.plainText.includes(token)).length,
    success: /ticket #\d+/,
  },
  {
    name: 'create contact (button)',
    write: { method: 'POST', path: 'api/contacts' },
    act: async (token) => {
      const email = `matrix.${token}@newco.example.com`;
      const from = t.slack.log.length;
      await t.interact(
        blockActionsPayload({
          actionId: ACTION.createContact,
          value: email,
          message: { ts: `1767226${token}.0001` },
        }),
      );
      return answered(from);
    },
    count: (token) => (contactByEmail(`matrix.${token}@newco.example.com`) ? 1 : 0),
    success: /Created contact|already exists/,
  },
];

describeMatrix(t, SURFACES);
