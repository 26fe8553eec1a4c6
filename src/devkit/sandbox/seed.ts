// Deterministic seed data, relative to the injected clock. Same now() → same data and ids.
import {
  type ContactProperty,
  type ContactRecord,
  type DealRecord,
  type DomainUser,
  emptyState,
  nextId,
  nextTicketId,
  type SimulatorState,
  TASK_TYPES,
  type TaskPriority,
  type TaskRecord,
  type TicketRecord,
} from './state.js';

const DAY_SEC = 86_400;

/** The contact whose id exceeds 2^53, for lossless round-trip tests. */
export const BIG_ID_CONTACT_ID = '9007199254740993';

export function accountOwner(email: string): DomainUser {
  return {
    id: '5629585249009664',
    domain: 'sandbox',
    email,
    name: 'Sam Sandbox',
    isAdmin: true,
    isAccountOwner: true,
  };
}

/** A domain with only its account owner (seed: false). */
export function buildEmptyState(email: string): SimulatorState {
  const state = emptyState();
  state.users.push(accountOwner(email));
  return state;
}

interface CompanySeed {
  name: string;
  url: string;
  phone: string;
  tags: string[];
}

const COMPANIES: CompanySeed[] = [
  {
    name: 'Northwind Traders',
    url: 'https://northwind.example.com',
    phone: '+1 206 555 0100',
    tags: ['Customer'],
  },
  {
    name: 'Acme Robotics',
    url: 'https://acme-robotics.example.com',
    phone: '+1 415 555 0142',
    tags: ['Prospect'],
  },
  {
    name: 'Globex Health',
    url: 'https://globex.example.com',
    phone: '+44 20 7946 0958',
    tags: ['Customer', 'Enterprise'],
  },
  {
    name: 'Initech Logistics',
    url: 'https://initech.example.com',
    phone: '+1 512 555 0199',
    tags: ['Partner'],
  },
];

interface PersonSeed {
  first: string;
  last: string;
  email: string;
  phone: string;
  title: string;
  company: string;
  tags: string[];
  score: number;
  stars: number;
  owner: number;
}

const PEOPLE: PersonSeed[] = [
  {
    first: 'Ada',
    last: 'Lovelace',
    email: 'ada.lovelace@northwind.example.com',
    phone: '+1 206 555 0101',
    title: 'CTO',
    company: 'Northwind Traders',
    tags: ['Customer', 'VIP'],
    score: 92,
    stars: 5,
    owner: 0,
  },
  {
    first: 'Grace',
    last: 'Hopper',
    email: 'Grace.Hopper@Example.com',
    phone: '+1 206 555 0102',
    title: 'Head of Engineering',
    company: 'Northwind Traders',
    tags: ['Customer'],
    score: 75,
    stars: 4,
    owner: 0,
  },
  {
    first: '<!channel> Eve',
    last: '<@U123> & Co',
    email: 'eve@mallory.example.com',
    phone: '+1 206 555 0103',
    title: 'Security *Tester*',
    company: 'Acme Robotics',
    tags: ['Lead'],
    score: 5,
    stars: 1,
    owner: 1,
  },
  {
    first: 'Alan',
    last: 'Turing',
    email: 'alan.turing@acme-robotics.example.com',
    phone: '+1 415 555 0143',
    title: 'VP Research',
    company: 'Acme Robotics',
    tags: ['Prospect', 'Likely Buyer'],
    score: 64,
    stars: 4,
    owner: 1,
  },
  {
    first: 'Katherine',
    last: 'Johnson',
    email: 'katherine.johnson@globex.example.com',
    phone: '+44 20 7946 0001',
    title: 'CFO',
    company: 'Globex Health',
    tags: ['Customer', 'Decision Maker'],
    score: 88,
    stars: 5,
    owner: 2,
  },
  {
    first: 'Linus',
    last: 'Torvalds',
    email: 'linus@initech.example.com',
    phone: '+1 512 555 0101',
    title: 'Operations Lead',
    company: 'Initech Logistics',
    tags: ['Partner'],
    score: 40,
    stars: 3,
    owner: 2,
  },
  {
    first: 'Margaret',
    last: 'Hamilton',
    email: 'margaret.hamilton@globex.example.com',
    phone: '+44 20 7946 0002',
    title: 'Director of IT',
    company: 'Globex Health',
    tags: ['Customer'],
    score: 71,
    stars: 4,
    owner: 0,
  },
  {
    first: 'Tim',
    last: 'Berners-Lee',
    email: 'tim@webfoundation.example.org',
    phone: '+44 20 7946 0003',
    title: 'Founder',
    company: 'Web Foundation',
    tags: ['Lead'],
    score: 33,
    stars: 2,
    owner: 1,
  },
  {
    first: 'Barbara',
    last: 'Liskov',
    email: 'barbara.liskov@acme-robotics.example.com',
    phone: '+1 415 555 0144',
    title: 'Procurement Manager',
    company: 'Acme Robotics',
    tags: ['Prospect'],
    score: 58,
    stars: 3,
    owner: 1,
  },
  {
    first: 'Dennis',
    last: 'Ritchie',
    email: 'dennis.ritchie@northwind.example.com',
    phone: '+1 206 555 0104',
    title: 'Architect',
    company: 'Northwind Traders',
    tags: ['Customer', 'Technical'],
    score: 50,
    stars: 3,
    owner: 0,
  },
  {
    first: 'Hedy',
    last: 'Lamarr',
    email: 'hedy.lamarr@initech.example.com',
    phone: '+1 512 555 0102',
    title: 'Head of Partnerships',
    company: 'Initech Logistics',
    tags: ['Partner', 'VIP'],
    score: 81,
    stars: 5,
    owner: 2,
  },
  {
    first: 'Edsger',
    last: 'Dijkstra',
    email: 'edsger@dijkstra.example.nl',
    phone: '+31 20 555 0100',
    title: 'Consultant',
    company: 'Dijkstra Advisory',
    tags: ['Lead'],
    score: 12,
    stars: 1,
    owner: 0,
  },
  {
    first: 'Frances',
    last: 'Allen',
    email: 'frances.allen@globex.example.com',
    phone: '+44 20 7946 0004',
    title: 'Compiler Lead',
    company: 'Globex Health',
    tags: ['Customer', 'Technical'],
    score: 67,
    stars: 3,
    owner: 2,
  },
  {
    first: 'John',
    last: 'McCarthy',
    email: 'john.mccarthy@lisp.example.com',
    phone: '+1 650 555 0110',
    title: 'CEO',
    company: 'Lisp Machines',
    tags: ['Lead', 'Cold'],
    score: 8,
    stars: 0,
    owner: 1,
  },
  {
    first: 'Radia',
    last: 'Perlman',
    email: 'radia.perlman@northwind.example.com',
    phone: '+1 206 555 0105',
    title: 'Network Engineer',
    company: 'Northwind Traders',
    tags: ['Customer'],
    score: 46,
    stars: 2,
    owner: 0,
  },
  {
    first: 'Ken',
    last: 'Thompson',
    email: 'ken@initech.example.com',
    phone: '+1 512 555 0103',
    title: 'CTO',
    company: 'Initech Logistics',
    tags: ['Partner', 'Technical'],
    score: 55,
    stars: 3,
    owner: 2,
  },
  {
    first: 'Sophie',
    last: 'Wilson',
    email: 'sophie.wilson@acme-robotics.example.com',
    phone: '+1 415 555 0145',
    title: 'Chief Architect',
    company: 'Acme Robotics',
    tags: ['Prospect', 'Technical'],
    score: 61,
    stars: 4,
    owner: 1,
  },
  {
    first: 'Guido',
    last: 'van Rossum',
    email: 'guido@python.example.org',
    phone: '+1 650 555 0111',
    title: 'Advisor',
    company: 'Python Advisory',
    tags: ['Lead'],
    score: 29,
    stars: 2,
    owner: 0,
  },
  {
    first: 'Annie',
    last: 'Easley',
    email: 'annie.easley@globex.example.com',
    phone: '+44 20 7946 0005',
    title: 'Analyst',
    company: 'Globex Health',
    tags: ['Customer'],
    score: 37,
    stars: 2,
    owner: 2,
  },
  {
    first: 'Bjarne',
    last: 'Stroustrup',
    email: 'bjarne@cpp.example.com',
    phone: '+1 212 555 0120',
    title: 'Principal',
    company: 'CPP Partners',
    tags: ['Lead', 'Likely Buyer'],
    score: 70,
    stars: 4,
    owner: 1,
  },
  {
    first: 'Joan',
    last: 'Clarke',
    email: 'joan.clarke@northwind.example.com',
    phone: '+1 206 555 0106',
    title: 'Head of Data',
    company: 'Northwind Traders',
    tags: ['Customer', 'Decision Maker'],
    score: 84,
    stars: 5,
    owner: 0,
  },
  {
    first: 'Claude',
    last: 'Shannon',
    email: 'claude.shannon@bell.example.com',
    phone: '+1 908 555 0130',
    title: 'Research Fellow',
    company: 'Bell Labs',
    tags: ['Lead'],
    score: 22,
    stars: 1,
    owner: 2,
  },
  {
    first: 'Mary',
    last: 'Jackson',
    email: 'mary.jackson@acme-robotics.example.com',
    phone: '+1 415 555 0146',
    title: 'Engineering Manager',
    company: 'Acme Robotics',
    tags: ['Prospect'],
    score: 49,
    stars: 3,
    owner: 1,
  },
  {
    first: 'Donald',
    last: 'Knuth',
    email: 'don@taocp.example.edu',
    phone: '+1 650 555 0112',
    title: 'Professor',
    company: 'Stanford Press',
    tags: ['Cold'],
    score: 3,
    stars: 0,
    owner: 0,
  },
  {
    first: 'Evelyn',
    last: 'Boyd Granville',
    email: 'evelyn.granville@initech.example.com',
    phone: '+1 512 555 0104',
    title: 'Finance Director',
    company: 'Initech Logistics',
    tags: ['Partner', 'Decision Maker'],
    score: 77,
    stars: 4,
    owner: 2,
  },
  {
    first: 'Niklaus',
    last: 'Wirth',
    email: 'niklaus.wirth@globex.example.com',
    phone: '+44 20 7946 0006',
    title: 'Platform Owner',
    company: 'Globex Health',
    tags: ['Customer', 'Renewal Due'],
    score: 60,
    stars: 3,
    owner: 2,
  },
  {
    first: 'Shafi',
    last: 'Goldwasser',
    email: 'shafi@crypto.example.com',
    phone: '+1 617 555 0140',
    title: 'Security Advisor',
    company: 'Crypto Labs',
    tags: ['Lead', 'Likely Buyer'],
    score: 66,
    stars: 4,
    owner: 1,
  },
  {
    first: 'Jean',
    last: 'Bartik',
    email: 'jean.bartik@northwind.example.com',
    phone: '+1 206 555 0107',
    title: 'Program Manager',
    company: 'Northwind Traders',
    tags: ['Customer', 'Renewal Due'],
    score: 52,
    stars: 3,
    owner: 0,
  },
  {
    first: 'Vint',
    last: 'Cerf',
    email: 'vint.cerf@acme-robotics.example.com',
    phone: '+1 415 555 0147',
    title: 'Chief Evangelist',
    company: 'Acme Robotics',
    tags: ['Prospect', 'VIP'],
    score: 90,
    stars: 5,
    owner: 1,
  },
  {
    first: 'Lynn',
    last: 'Conway',
    email: 'lynn.conway@globex.example.com',
    phone: '+44 20 7946 0007',
    title: 'Design Lead',
    company: 'Globex Health',
    tags: ['Customer'],
    score: 44,
    stars: 2,
    owner: 2,
  },
];

interface DealSeed {
  name: string;
  track: 0 | 1;
  milestone: string;
  value: number;
  probability: number;
  closeInDays: number;
  contacts: number[];
  owner: number;
}

const DEALS: DealSeed[] = [
  {
    name: 'Northwind fleet tracking rollout',
    track: 0,
    milestone: 'Proposal',
    value: 48000,
    probability: 60,
    closeInDays: 14,
    contacts: [0, 1],
    owner: 0,
  },
  {
    name: 'Acme pilot: 20 seats',
    track: 0,
    milestone: 'Prospect',
    value: 12000,
    probability: 30,
    closeInDays: 30,
    contacts: [3],
    owner: 1,
  },
  {
    name: 'Globex analytics add-on',
    track: 0,
    milestone: 'Won',
    value: 25500.5,
    probability: 100,
    closeInDays: -5,
    contacts: [4],
    owner: 2,
  },
  {
    name: 'Initech partner referral program',
    track: 0,
    milestone: 'New',
    value: 8000,
    probability: 10,
    closeInDays: 45,
    contacts: [5, 10],
    owner: 2,
  },
  {
    name: 'Web Foundation sponsorship',
    track: 0,
    milestone: 'Lost',
    value: 5000,
    probability: 0,
    closeInDays: -20,
    contacts: [7],
    owner: 1,
  },
  {
    name: 'Acme robotics enterprise licence',
    track: 0,
    milestone: 'Proposal',
    value: 150000,
    probability: 50,
    closeInDays: 21,
    contacts: [8, 16],
    owner: 1,
  },
  {
    name: 'Northwind data warehouse',
    track: 0,
    milestone: 'Prospect',
    value: 64000,
    probability: 25,
    closeInDays: 60,
    contacts: [20],
    owner: 0,
  },
  {
    name: 'CPP Partners training',
    track: 0,
    milestone: 'New',
    value: 3500,
    probability: 20,
    closeInDays: 10,
    contacts: [19],
    owner: 1,
  },
  {
    name: 'Crypto Labs security audit',
    track: 0,
    milestone: 'Proposal',
    value: 22000,
    probability: 70,
    closeInDays: 7,
    contacts: [26],
    owner: 1,
  },
  {
    name: 'Globex EU expansion',
    track: 0,
    milestone: 'Won',
    value: 98000,
    probability: 100,
    closeInDays: -12,
    contacts: [6, 12],
    owner: 2,
  },
  {
    name: 'Mallory <script> deal & co',
    track: 0,
    milestone: 'New',
    value: 1,
    probability: 5,
    closeInDays: 3,
    contacts: [2],
    owner: 1,
  },
  {
    name: 'Globex annual renewal',
    track: 1,
    milestone: 'Negotiation',
    value: 120000,
    probability: 80,
    closeInDays: 20,
    contacts: [25],
    owner: 2,
  },
  {
    name: 'Northwind support renewal',
    track: 1,
    milestone: 'Upcoming',
    value: 18000,
    probability: 90,
    closeInDays: 40,
    contacts: [27],
    owner: 0,
  },
  {
    name: 'Initech maintenance renewal',
    track: 1,
    milestone: 'Renewed',
    value: 9600,
    probability: 100,
    closeInDays: -3,
    contacts: [24],
    owner: 2,
  },
  {
    name: 'Acme legacy plan renewal',
    track: 1,
    milestone: 'Churned',
    value: 4000,
    probability: 0,
    closeInDays: -30,
    contacts: [22],
    owner: 1,
  },
  {
    name: 'Vint Cerf keynote package',
    track: 1,
    milestone: 'Upcoming',
    value: 15000,
    probability: 50,
    closeInDays: 12,
    contacts: [28],
    owner: 1,
  },
];

const TASK_SUBJECTS = [
  'Call back about pricing',
  'Send proposal draft',
  'Follow up on demo',
  'Prepare QBR deck',
  'Email contract for signature',
  'Check onboarding progress',
  'Schedule technical deep dive',
  'Confirm renewal terms',
  'Share case study',
  'Review security questionnaire',
];

function sys(name: string, value: string, subtype?: string): ContactProperty {
  return subtype === undefined ? { type: 'SYSTEM', name, value } : { type: 'SYSTEM', name, subtype, value };
}

export function buildSeedState(now: Date, email: string): SimulatorState {
  const state = buildEmptyState(email);
  const nowSec = Math.floor(now.getTime() / 1000);
  const nowMs = nowSec * 1000;
  const dayStartSec = nowSec - (nowSec % DAY_SEC);

  state.users.push(
    {
      id: nextId(state),
      domain: 'sandbox',
      email: 'alice.moreno@example.com',
      name: 'Alice Moreno',
      isAdmin: false,
      isAccountOwner: false,
    },
    {
      id: nextId(state),
      domain: 'sandbox',
      email: 'raj.patel@example.com',
      name: 'Raj Patel',
      isAdmin: false,
      isAccountOwner: false,
    },
  );
  const userId = (i: number) => state.users[i % state.users.length]?.id ?? '';

  COMPANIES.forEach((c, i) => {
    const created = nowSec - (400 - i * 10) * DAY_SEC;
    state.companies.push({
      id: nextId(state),
      type: 'COMPANY',
      createdEpochSec: created,
      updatedEpochSec: created + DAY_SEC,
      starValue: 3,
      leadScore: 0,
      tags: c.tags.map((tag) => ({ tag, createdMs: created * 1000 })),
      properties: [
        sys('name', c.name),
        sys('name_lower', c.name.toLowerCase()),
        sys('url', c.url),
        sys('phone', c.phone, ''),
      ],
      ownerId: userId(i),
    });
  });

  PEOPLE.forEach((p, i) => {
    const created = nowSec - (300 - i * 7) * DAY_SEC;
    const company = state.companies.find((c) =>
      c.properties.some((prop) => prop.name === 'name' && prop.value === p.company),
    );
    const contact: ContactRecord = {
      // The third contact carries an id above 2^53 so clients must parse losslessly.
      id: i === 2 ? BIG_ID_CONTACT_ID : nextId(state),
      type: 'PERSON',
      createdEpochSec: created,
      updatedEpochSec: created + (i % 5) * DAY_SEC,
      starValue: p.stars,
      leadScore: p.score,
      tags: p.tags.map((tag, k) => ({ tag, createdMs: created * 1000 + k * 1000 })),
      properties: [
        sys('first_name', p.first),
        sys('last_name', p.last),
        sys('email', p.email, 'work'),
        sys('phone', p.phone, 'work'),
        sys('title', p.title),
        sys('company', p.company),
      ],
      ownerId: userId(p.owner),
    };
    if (i % 4 === 0) {
      contact.properties.push(
        sys(
          'address',
          JSON.stringify({
            address: `${100 + i} Market Street`,
            city: 'Seattle',
            state: 'WA',
            zip: '98101',
            country: 'US',
          }),
          'office',
        ),
      );
    }
    if (i % 6 === 1) contact.properties.push({ type: 'CUSTOM', name: 'Preferred channel', value: 'Email' });
    if (company) contact.contactCompanyId = company.id;
    state.contacts.push(contact);
  });
  const contactId = (i: number) => state.contacts[i]?.id ?? '';

  state.tracks.push(
    { id: nextId(state), name: 'Sales', milestones: 'New,Prospect,Proposal,Won,Lost', isDefault: true },
    {
      id: nextId(state),
      name: 'Renewals',
      milestones: 'Upcoming,Negotiation,Renewed,Churned',
      isDefault: false,
    },
  );

  DEALS.forEach((d, i) => {
    const created = nowSec - (90 - i * 4) * DAY_SEC;
    const deal: DealRecord = {
      id: nextId(state),
      name: d.name,
      description: `${d.name}: opened by the seed data`,
      expectedValue: d.value,
      pipelineId: state.tracks[d.track]?.id ?? '',
      milestone: d.milestone,
      probability: d.probability,
      closeEpochSec: dayStartSec + d.closeInDays * DAY_SEC,
      createdEpochSec: created,
      updatedEpochSec: created + DAY_SEC,
      ownerId: userId(d.owner),
      contactIds: d.contacts.map(contactId),
      customData: [],
      archived: false,
    };
    state.deals.push(deal);
  });

  // 40 tasks: overdue, due today, upcoming and complete, spread over owners and contacts.
  const priorities: TaskPriority[] = ['HIGH', 'NORMAL', 'LOW'];
  for (let i = 0; i < 40; i++) {
    const bucket = i % 4; // 0 overdue, 1 due today, 2 upcoming, 3 complete
    const dueSec =
      bucket === 0
        ? dayStartSec - (1 + (i % 9)) * DAY_SEC + 10 * 3600
        : bucket === 1
          ? dayStartSec + (9 + (i % 8)) * 3600
          : bucket === 2
            ? dayStartSec + (1 + (i % 13)) * DAY_SEC + 11 * 3600
            : dayStartSec - (i % 5) * DAY_SEC + 15 * 3600;
    const deal = i % 5 === 0 ? state.deals[i % state.deals.length] : undefined;
    const task: TaskRecord = {
      id: nextId(state),
      subject: `${TASK_SUBJECTS[i % TASK_SUBJECTS.length]} (${PEOPLE[(i * 7) % PEOPLE.length]?.first ?? ''})`,
      type: TASK_TYPES[i % TASK_TYPES.length] ?? 'OTHER',
      priorityType: priorities[i % 3] ?? 'NORMAL',
      dueEpochSec: dueSec,
      createdEpochSec: nowSec - (60 - i) * DAY_SEC,
      isComplete: bucket === 3,
      status: bucket === 3 ? 'COMPLETED' : i % 3 === 0 ? 'IN_PROGRESS' : 'YET_TO_START',
      progress: bucket === 3 ? 100 : i % 3 === 0 ? 50 : 0,
      contactIds: i % 10 === 9 ? [] : [contactId((i * 7) % PEOPLE.length)],
      dealIds: deal ? [deal.id] : [],
      noteIds: [],
      ownerId: userId(i % 3),
      description: i % 2 === 0 ? 'Seeded task for the sandbox.' : '',
    };
    state.tasks.push(task);
  }

  const noteSeeds: { subject: string; description: string; contacts: number[]; deal?: number }[] = [
    { subject: 'Discovery call', description: 'Interested in fleet tracking for 40 trucks.', contacts: [0] },
    { subject: 'Pricing concerns', description: 'Wants a discount for a 3-year term.', contacts: [0, 1] },
    { subject: 'Met at conference', description: 'Asked for a robotics integration demo.', contacts: [3] },
    {
      subject: 'Escaping check',
      description: '<!here> please *review* & reply <https://evil.example|click>',
      contacts: [2],
    },
    { subject: 'Budget approved', description: 'CFO approved the analytics budget.', contacts: [4], deal: 2 },
    { subject: 'Renewal risk', description: 'Usage dropped 30% last quarter.', contacts: [25], deal: 11 },
    {
      subject: 'Proposal sent',
      description: 'Sent v2 of the proposal with the enterprise tier.',
      contacts: [],
      deal: 5,
    },
  ];
  noteSeeds.forEach((n, i) => {
    const deal = n.deal === undefined ? undefined : state.deals[n.deal];
    state.notes.push({
      id: nextId(state),
      subject: n.subject,
      description: n.description,
      createdEpochSec: nowSec - (20 - i) * DAY_SEC,
      contactIds: n.contacts.map(contactId),
      dealIds: deal ? [deal.id] : [],
      ownerId: userId(i),
    });
  });

  seedTickets(state, nowMs, contactId, userId);
  state.idSeq.bigNext = 2n ** 53n + 1_000n;
  return state;
}

function seedTickets(
  state: SimulatorState,
  nowMs: number,
  contactId: (i: number) => string,
  userId: (i: number) => string,
): void {
  const support = { id: nextId(state), name: 'Support', email: 'support@sandbox.example.com' };
  const billing = { id: nextId(state), name: 'Billing', email: 'billing@sandbox.example.com' };
  state.ticketGroups.push(support, billing);
  const owner = userId(0);
  const filter = (name: string, conditions: { LHS: string; CONDITION: string; RHS: string }[]) =>
    state.ticketFilters.push({
      id: nextId(state),
      name,
      conditions,
      ownerId: owner,
      updatedMs: nowMs - 86_400_000,
      isDefault: true,
    });
  filter(
    'All Tickets',
    ['NEW', 'OPEN', 'PENDING', 'CLOSED'].map((s) => ({
      LHS: 'status',
      CONDITION: 'TICKET_STATUS_IS',
      RHS: s,
    })),
  );
  filter('New Tickets', [{ LHS: 'status', CONDITION: 'TICKET_STATUS_IS', RHS: 'NEW' }]);
  filter('Open Tickets', [{ LHS: 'status', CONDITION: 'TICKET_STATUS_IS', RHS: 'OPEN' }]);
  filter('My Tickets', [{ LHS: 'assignee_id', CONDITION: 'EQUALS', RHS: '0' }]);

  const seeds: {
    contact: number;
    subject: string;
    status: string;
    priority: string;
    group: string;
    assignee: number;
    messages: { by: 'REQUESTER' | 'AGENT'; text: string; type?: 'PRIVATE' }[];
  }[] = [
    {
      contact: 0,
      subject: 'Cannot export reports to CSV',
      status: 'OPEN',
      priority: 'HIGH',
      group: support.id,
      assignee: 0,
      messages: [
        { by: 'REQUESTER', text: 'The export button spins forever since yesterday.' },
        { by: 'AGENT', text: 'Thanks Ada, we are looking into it.' },
        { by: 'AGENT', text: 'Likely the 10k row limit; check with engineering.', type: 'PRIVATE' },
      ],
    },
    {
      contact: 4,
      subject: 'Invoice shows the wrong VAT number',
      status: 'PENDING',
      priority: 'MEDIUM',
      group: billing.id,
      assignee: 2,
      messages: [
        { by: 'REQUESTER', text: 'Our VAT number on invoice 1042 is wrong.' },
        { by: 'AGENT', text: 'Could you send the correct number?' },
      ],
    },
    {
      contact: 2,
      subject: '<!channel> urgent <@U999> help',
      status: 'NEW',
      priority: 'LOW',
      group: support.id,
      assignee: 1,
      messages: [{ by: 'REQUESTER', text: '<!everyone> click <https://evil.example|here> & win' }],
    },
    {
      contact: 16,
      subject: 'SSO login loop',
      status: 'OPEN',
      priority: 'HIGH',
      group: support.id,
      assignee: 1,
      messages: [
        { by: 'REQUESTER', text: 'Users are redirected back to the login page after SSO.' },
        { by: 'AGENT', text: 'Which identity provider do you use?' },
        { by: 'REQUESTER', text: 'Okta, with SAML.' },
      ],
    },
    {
      contact: 27,
      subject: 'Request to close account',
      status: 'CLOSED',
      priority: 'LOW',
      group: billing.id,
      assignee: 0,
      messages: [
        { by: 'REQUESTER', text: 'Please close our old sandbox account.' },
        { by: 'AGENT', text: 'Done, the account is closed.' },
      ],
    },
  ];
  seeds.forEach((t, i) => {
    const contact = state.contacts.find((c) => c.id === contactId(t.contact));
    const first = contact?.properties.find((p) => p.name === 'first_name')?.value ?? '';
    const last = contact?.properties.find((p) => p.name === 'last_name')?.value ?? '';
    const email = contact?.properties.find((p) => p.name === 'email')?.value ?? '';
    const createdMs = nowMs - (10 - i) * 86_400_000;
    const ticket: TicketRecord = {
      id: nextTicketId(state),
      groupId: t.group,
      assigneeId: userId(t.assignee),
      requesterName: `${first} ${last}`,
      requesterEmail: email,
      contactId: contact?.id ?? '',
      subject: t.subject,
      ccEmails: [],
      createdMs,
      lastUpdatedMs: createdMs + (t.messages.length - 1) * 3_600_000,
      lastUpdatedBy: t.messages[t.messages.length - 1]?.by ?? 'REQUESTER',
      status: t.status,
      type: 'PROBLEM',
      priority: t.priority,
      source: 'EMAIL',
      labels: [],
    };
    state.tickets.push(ticket);
    t.messages.forEach((m, k) => {
      state.ticketNotes.push({
        id: nextId(state),
        ticketId: ticket.id,
        createdBy: m.by,
        createdMs: createdMs + k * 3_600_000,
        plainText: m.text,
        htmlText: m.text,
        noteType: m.type ?? 'PUBLIC',
        userId: ticket.assigneeId,
      });
    });
  });
}
