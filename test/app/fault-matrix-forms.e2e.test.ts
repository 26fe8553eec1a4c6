// The fault matrix, form surfaces (the faults and checks: fault-matrix-kit.ts). A form answers a
// failure under its input (Slack keeps everything typed); the same submission again is the retry.
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../src/platform/slack/ids.js';
import { messageActionPayload, type StateMap } from '../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL } from '../helpers/test-bot.js';
import { useTestBot } from '../helpers/use-test-bot.js';
import { describeMatrix, MATRIX_AGILE_OPTIONS, matrixKit, type Surface } from './fault-matrix-kit.js';

const t = useTestBot({
  agileOptions: MATRIX_AGILE_OPTIONS,
  scheduler: { enabled: false },
  // Public replies are sent with the user's own Agile account: the default user has one.
  workspace: { personal: DEFAULT_USER_PERSONAL },
});
const { sim, openForm, submit, pick, freshDeal, openTicketId } = matrixKit(t);

const ADA = 'ada.lovelace@northwind.example.com';
const adaId = () =>
  sim().state.contacts.find((c) =>
    c.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === ADA),
  )?.id ?? '';
const text = (value: string | null) => ({ type: 'plain_text_input', value }) as const;
const select = (value: string | null) => ({ type: 'static_select', value }) as const;

const noteValues = (subject: string, note: string): StateMap => ({
  [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'external_select', value: adaId(), text: 'Ada' } },
  [BLOCK.subject]: { [ACTION.subjectInput]: text(subject) },
  [BLOCK.note]: { [ACTION.noteInput]: text(note) },
});
const notesWithSubject = (subject: string) => sim().state.notes.filter((n) => n.subject === subject).length;

async function openTicketForm(): Promise<string> {
  const opened = await openForm('ticket', CALLBACK.ticketModal);
  const ticketId = openTicketId();
  const picked = await pick(
    opened,
    CALLBACK.ticketModal,
    { blockId: BLOCK.ticket, actionId: ACTION.ticketPicker },
    ticketId,
  );
  return JSON.stringify({ ...picked, ticketId });
}
function ticketSurface(visibility: 'public' | 'private'): Surface {
  return {
    name: `ticket reply form, ${visibility}`,
    write: { method: 'POST', path: /^api\/notes\/\d+$/ },
    open: openTicketForm,
    act: (token, opened) => {
      const o = JSON.parse(opened) as { viewId: string; meta: string; ticketId: string };
      return submit(CALLBACK.ticketModal, o, {
        [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: o.ticketId } },
        [BLOCK.reply]: { [ACTION.replyText]: `Form ${visibility} reply ${token}` },
        [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: visibility } },
      });
    },
    keepsTyped: true,
    count: (token) =>
      sim().state.ticketNotes.filter(
        (n) => n.plainText.includes(`reply ${token}`) && n.noteType === visibility.toUpperCase(),
      ).length,
    success: /^\n/, // a bare ack: the modal closes, and the confirmation follows
  };
}

const form = (opened: string) => JSON.parse(opened) as { viewId: string; meta: string };

const SURFACES: Surface[] = [
  {
    name: 'note form (/crm note → Log note)',
    write: { method: 'POST', path: 'api/notes' },
    open: async () => JSON.stringify(await openForm('note', CALLBACK.noteModal)),
    act: (token, opened) =>
      submit(
        CALLBACK.noteModal,
        form(opened),
        noteValues(`Form note ${token}`, `Typed in the form ${token}`),
      ),
    keepsTyped: true,
    count: (token) => notesWithSubject(`Form note ${token}`),
    success: /^\n/,
  },
  {
    name: 'Log to CRM message shortcut',
    write: { method: 'POST', path: 'api/notes' },
    open: async (token) => {
      const from = t.slack.log.length;
      await t.interact(
        messageActionPayload({
          callbackId: SHORTCUT.logToCrm,
          message: { ts: `1767227${token}.0002`, text: `From the channel ${token}`, user: 'U0BOB' },
        }),
      );
      await t.slack.waitFor('views.open', (c) => t.slack.log.indexOf(c) >= from);
      await t.idle();
      const view = [...t.slack.views.values()]
        .filter((v) => v.view.callback_id === CALLBACK.noteModal)
        .at(-1);
      return JSON.stringify({ viewId: view?.id ?? '', meta: String(view?.view.private_metadata ?? '') });
    },
    act: (token, opened) =>
      submit(
        CALLBACK.noteModal,
        form(opened),
        noteValues(`Shortcut note ${token}`, `From the channel ${token}`),
      ),
    keepsTyped: true,
    count: (token) => notesWithSubject(`Shortcut note ${token}`),
    success: /^\n/,
  },
  {
    name: 'task form (/crm task → Create task)',
    write: { method: 'POST', path: 'api/tasks' },
    open: async () => JSON.stringify(await openForm('task', CALLBACK.taskModal)),
    act: (token, opened) =>
      submit(CALLBACK.taskModal, form(opened), {
        [BLOCK.subject]: { [ACTION.subjectInput]: text(`Form task ${token}`) },
        [BLOCK.taskType]: { [ACTION.taskType]: select('CALL') },
        [BLOCK.priority]: { [ACTION.priority]: select('HIGH') },
        [BLOCK.dueDate]: { [ACTION.dueDate]: { type: 'datepicker', selected_date: '2030-03-14' } },
        [BLOCK.dueTime]: { [ACTION.dueTime]: { type: 'timepicker', selected_time: '15:30' } },
        [BLOCK.contact]: {
          [ACTION.contactPicker]: {
            type: 'multi_external_select',
            values: [{ value: adaId(), text: 'Ada' }],
          },
        },
        [BLOCK.description]: { [ACTION.description]: text(`Details ${token}`) },
        [BLOCK.owner]: { [ACTION.ownerSelect]: select(null) },
      }),
    keepsTyped: true,
    count: (token) => sim().state.tasks.filter((x) => x.subject === `Form task ${token}`).length,
    success: /^\n/,
  },
  {
    name: 'deal form (/crm deal → Create deal)',
    write: { method: 'POST', path: 'api/opportunity' },
    open: async () => JSON.stringify(await openForm('deal', CALLBACK.dealModal)),
    act: (token, opened) =>
      submit(CALLBACK.dealModal, form(opened), {
        [BLOCK.dealName]: { [ACTION.dealName]: text(`Matrix deal ${token}`) },
        [BLOCK.value]: { [ACTION.dealValue]: { type: 'number_input', value: '1500' } },
        [BLOCK.probability]: { [ACTION.probability]: { type: 'number_input', value: null } },
        [BLOCK.track]: {
          [ACTION.trackSelect]: select(sim().state.tracks.find((x) => x.name === 'Sales')?.id ?? ''),
        },
        [BLOCK.milestone]: { [ACTION.milestoneSelect]: select('New') },
        [BLOCK.closeDate]: { [ACTION.closeDate]: { type: 'datepicker', selected_date: null } },
        [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'multi_external_select', values: [] } },
        [BLOCK.description]: { [ACTION.description]: text(`About ${token}`) },
        [BLOCK.owner]: { [ACTION.ownerSelect]: select(null) },
      }),
    keepsTyped: true,
    count: (token) => sim().state.deals.filter((d) => d.name === `Matrix deal ${token}`).length,
    success: /^\n/,
  },
  {
    name: 'move form (/crm move → Move)',
    write: { method: 'PUT', path: 'api/opportunity/partial-update' },
    open: async (token) => {
      const dealId = freshDeal(token);
      const opened = await openForm('move', CALLBACK.moveModal);
      const picked = await pick(
        opened,
        CALLBACK.moveModal,
        { blockId: BLOCK.deal, actionId: ACTION.dealPicker },
        dealId,
      );
      return JSON.stringify({ ...picked, dealId });
    },
    act: (token, opened) => {
      const o = JSON.parse(opened) as { viewId: string; meta: string; dealId: string };
      return submit(CALLBACK.moveModal, o, {
        [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: o.dealId } },
        [BLOCK.milestone]: { [ACTION.milestoneSelect]: select('Lost') },
        [BLOCK.reason]: { [ACTION.reason]: text(`Matrix reason ${token}`) },
        [BLOCK.note]: { [ACTION.noteInput]: text(null) },
      });
    },
    keepsTyped: true,
    // The milestone, then the reason as a deal note: one note per move, never two.
    count: (token) =>
      sim().state.notes.filter((n) => n.description.includes(`Matrix reason ${token}`)).length,
    countsFollowUp: true,
    success: /^\n/,
  },
  ticketSurface('public'),
  ticketSurface('private'),
];

describeMatrix(t, SURFACES);
