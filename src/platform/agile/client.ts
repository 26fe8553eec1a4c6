import { z } from 'zod';
import { AgileError } from './errors.js';
import { type AgileHttp, type AgileHttpOptions, createAgileHttp, path } from './http.js';
import {
  DEFAULT_PAGE_SIZE,
  type IterateOptions,
  iteratePages,
  type Page,
  type PageOptions,
  splitPage,
  stripPagingFields,
} from './paging.js';
import { type ContactPropertyInput, getPrimaryEmail } from './properties.js';
import {
  type Company,
  type Contact,
  contactSchema,
  type Deal,
  type DomainUser,
  dealSchema,
  dealsByMilestoneSchema,
  domainUserSchema,
  type Note,
  noteSchema,
  recordWithIdSchema,
  type Task,
  type TaskPriority,
  type TaskStatus,
  type TaskType,
  type Ticket,
  type Track,
  taskSchema,
  ticketFilterSchema,
  ticketMessageSchema,
  ticketSchema,
  trackSchema,
} from './schemas.js';
import type { EpochSeconds } from './time.js';

/** The HTTP options: base URL, credentials, timeout, retries, logger, and the sleep/clock tests inject. */
export type AgileClientOptions = AgileHttpOptions;

// ---- inputs ---------------------------------------------------------------------------------

export interface ContactInput {
  type?: 'PERSON' | 'COMPANY';
  properties: ContactPropertyInput[];
  tags?: string[];
  lead_score?: number;
  star_value?: number;
  contact_company_id?: string;
}

export interface CompanyInput {
  properties: ContactPropertyInput[];
  tags?: string[];
  star_value?: number;
  lead_score?: number;
}

export interface DealInput {
  name: string;
  /** Mandatory in Agile, ≤ 1e12. */
  expected_value: number;
  /** Must exist in the deal's track; case-sensitive. */
  milestone: string;
  pipeline_id?: string;
  probability?: number;
  close_date?: EpochSeconds;
  owner_id?: string;
  description?: string;
  contact_ids?: string[];
  custom_data?: Array<{ name: string; value: string }>;
}

export type DealUpdate = Partial<DealInput>;

export interface TaskInput {
  subject: string;
  type: TaskType;
  priority_type: TaskPriority;
  due: EpochSeconds;
  status?: TaskStatus;
  progress?: number;
  is_complete?: boolean;
  owner_id?: string;
  /** Contact ids. */
  contacts?: string[];
  deal_ids?: string[];
  /** Note ids. */
  notes?: string[];
  taskDescription?: string;
  /** "HH:mm". */
  task_ending_time?: string;
}

export type TaskUpdate = Partial<TaskInput>;

export interface TaskFilters {
  /** CATEGORY (type = task type), STATUS (type = task status) or PRIORITY (type = priority). */
  criteria?: 'CATEGORY' | 'STATUS' | 'PRIORITY';
  type?: string;
  /** Owner (domain user) id. */
  owner?: string;
  pending?: boolean;
}

export interface NoteInput {
  subject: string;
  description: string;
}

export type TicketPriority = 'LOW' | 'MEDIUM' | 'HIGH';
export type TicketStatus = 'NEW' | 'OPEN' | 'PENDING' | 'CLOSED';

export interface TicketInput {
  requester_name: string;
  requester_email: string;
  subject: string;
  priority: TicketPriority;
  status: TicketStatus;
  groupID: string;
  html_text: string;
  cc_emails?: string[];
  labels?: string[] | null;
}

export interface TicketNoteInput {
  html_text: string;
  /** PUBLIC: a reply the requester gets; PRIVATE: an internal note. */
  note_type: 'PUBLIC' | 'PRIVATE';
}

export interface TrackInput {
  name: string;
  /** Case-sensitive; first letter upper case per the docs. Sent as one comma-separated string. */
  milestones: string[] | string;
}

export interface DynamicFilterRule {
  LHS: string;
  CONDITION: string;
  RHS: string | number;
  RHS_NEW?: string | number;
}

export interface DynamicFilter {
  rules: DynamicFilterRule[];
  or_rules?: DynamicFilterRule[];
  contact_type: 'PERSON' | 'COMPANY' | 'OPPORTUNITY';
}

export interface FindOrCreateResult {
  contact: Contact;
  created: boolean;
}

// ---- helpers --------------------------------------------------------------------------------

const contactList = z.array(contactSchema);
const dealList = z.array(dealSchema);
const taskList = z.array(taskSchema);
const noteList = z.array(noteSchema);
const trackList = z.array(trackSchema);
const ticketMessageList = z.array(ticketMessageSchema);
const ticketFilterList = z.array(ticketFilterSchema);
const userList = z.array(domainUserSchema);
const anyAnswer = z.unknown();

/** POST search/email answers one entry per email: null or {} for an email that matched nobody. */
const contactOrNullList = z.array(z.unknown()).transform((entries, ctx) =>
  entries.map((entry, i) => {
    if (entry === null || typeof entry !== 'object' || !('id' in entry)) return null;
    const parsed = contactSchema.safeParse(entry);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: [i], message: z.prettifyError(parsed.error) });
      return null;
    }
    return parsed.data;
  }),
);

function joinMilestones(milestones: string[] | string): string {
  return Array.isArray(milestones) ? milestones.map((m) => m.trim()).join(',') : milestones;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Ids travel as strings in bodies; numbers the caller passes for money/probability stay numbers. */
function dealBody(input: DealUpdate): Record<string, unknown> {
  return withoutUndefined({
    ...input,
    contact_ids: input.contact_ids?.map(String),
    pipeline_id: input.pipeline_id === undefined ? undefined : String(input.pipeline_id),
    owner_id: input.owner_id === undefined ? undefined : String(input.owner_id),
  });
}

export type AgileClient = ReturnType<typeof createAgileClient>;

export function createAgileClient(opts: AgileClientOptions) {
  const http: AgileHttp = createAgileHttp(opts);
  const logger = opts.logger;

  /** A request whose answer must be a record: an empty answer is a bad_response error at `where`. */
  async function record<S extends z.ZodType>(
    spec: Parameters<AgileHttp['request']>[0] & { schema: S },
    where: string = spec.path,
  ): Promise<z.output<S>> {
    return required(await http.request(spec), where);
  }

  async function list<S extends z.ZodType>(spec: Parameters<AgileHttp['request']>[0] & { schema: S }) {
    const answer = await http.request({ ...spec, prepare: stripPagingFields });
    return (answer ?? []) as z.output<S>;
  }

  async function page<T>(
    spec: Omit<Parameters<AgileHttp['request']>[0], 'schema' | 'prepare'>,
    itemSchema: z.ZodType<T>,
  ): Promise<Page<T>> {
    let cursor: string | undefined;
    const answer = await http.request({
      ...spec,
      schema: z.array(itemSchema),
      prepare: (data) => {
        const split = splitPage(data);
        cursor = split.cursor;
        return split.records;
      },
    });
    return { items: answer ?? [], cursor };
  }

  // ---- contacts ----
  const contacts = {
    /** null when there is no such contact (Agile answers 204). */
    get: (id: string) =>
      http.request({ method: 'GET', path: path`api/contacts/${id}`, schema: contactSchema }),

    searchByEmail: (email: string) =>
      http.request({ method: 'GET', path: path`api/contacts/search/email/${email}`, schema: contactSchema }),

    /** One entry per email, in the answer's order; null for an email that matched nobody. */
    searchByEmails: async (emails: string[]): Promise<Array<Contact | null>> => {
      if (emails.length === 0) return [];
      const answer = await http.request({
        method: 'POST',
        path: 'api/contacts/search/email',
        form: { email_ids: JSON.stringify(emails) },
        schema: contactOrNullList,
        retry: true, // a read, despite POST
        // Reference: "If email doesn't match, it will return an empty object." — a whole answer of
        // `{}` means none matched; a lone contact object answers a single email.
        prepare: (data) => {
          if (Array.isArray(data)) return data;
          if (data !== null && typeof data === 'object' && 'id' in data) return [data];
          return emails.map(() => null);
        },
      });
      return answer ?? emails.map(() => null);
    },

    searchByPhone: (phone: string) =>
      http.request({
        method: 'GET',
        path: path`api/contacts/search/phonenumber/${phone}`,
        schema: contactSchema,
      }),

    /** Full-text search (api/search) over contacts (PERSON) or companies (COMPANY). */
    search: (query: string, options: { type?: 'PERSON' | 'COMPANY'; pageSize?: number } = {}) =>
      list({
        method: 'GET',
        path: 'api/search',
        query: { q: query, page_size: options.pageSize ?? 20, type: options.type ?? 'PERSON' },
        schema: contactList,
      }),

    /** Fails with kind 'invalid' if a contact already has the email: see findOrCreate. */
    create: async (input: ContactInput): Promise<Contact> => {
      const body = withoutUndefined({
        ...input,
        type: input.type ?? 'PERSON',
        contact_company_id:
          input.contact_company_id === undefined ? undefined : String(input.contact_company_id),
      });
      return record({ method: 'POST', path: 'api/contacts', json: body, schema: contactSchema });
    },

    /** Agile has no upsert and refuses a duplicate email: search first, then create. */
    findOrCreate: async (input: ContactInput): Promise<FindOrCreateResult> => {
      const email = getPrimaryEmail({ properties: input.properties });
      if (email) {
        const existing = await contacts.searchByEmail(email);
        if (existing) return { contact: existing, created: false };
      }
      try {
        return { contact: await contacts.create(input), created: true };
      } catch (err) {
        // Someone created it between our search and our create.
        if (email && err instanceof AgileError && err.kind === 'invalid') {
          const raced = await contacts.searchByEmail(email);
          if (raced) return { contact: raced, created: false };
        }
        throw err;
      }
    },

    /** Adds or overwrites the given properties (PUT edit-properties); others are left alone. */
    updateProperties: async (id: string, properties: ContactPropertyInput[]): Promise<Contact> =>
      record({
        method: 'PUT',
        path: 'api/contacts/edit-properties',
        json: { id: String(id), properties },
        schema: contactSchema,
      }),

    addTags: async (id: string, tags: string[]): Promise<Contact> =>
      record({
        method: 'PUT',
        path: 'api/contacts/edit/tags',
        json: { id: String(id), tags },
        schema: contactSchema,
      }),

    /** Agile answers with the remaining tag list; the shape is not documented, so nothing is returned. */
    removeTags: async (id: string, tags: string[]): Promise<void> => {
      await http.request({
        method: 'PUT',
        path: 'api/contacts/delete/tags',
        json: { id: String(id), tags },
        schema: anyAnswer,
      });
    },

    addTagsByEmail: async (email: string, tags: string[]): Promise<void> => {
      await http.request({
        method: 'POST',
        path: 'api/contacts/email/tags/add',
        form: { email, tags: JSON.stringify(tags) },
        schema: anyAnswer,
        retry: true, // adding a tag twice is harmless
      });
    },

    removeTagsByEmail: async (email: string, tags: string[]): Promise<void> => {
      await http.request({
        method: 'POST',
        path: 'api/contacts/email/tags/delete',
        form: { email, tags: JSON.stringify(tags) },
        schema: anyAnswer,
        retry: true,
      });
    },

    setLeadScore: async (id: string, leadScore: number): Promise<Contact> =>
      record({
        method: 'PUT',
        path: 'api/contacts/edit/lead-score',
        json: { id: String(id), lead_score: leadScore },
        schema: contactSchema,
      }),

    /** 0 to 5. */
    setStarValue: async (id: string, starValue: number): Promise<Contact> =>
      record({
        method: 'PUT',
        path: 'api/contacts/edit/add-star',
        json: { id: String(id), star_value: starValue },
        schema: contactSchema,
      }),

    /** Adds (or with a negative number subtracts) score; a POST that is not idempotent: never retried. */
    addScoreByEmail: (email: string, score: number) =>
      http.request({
        method: 'POST',
        path: 'api/contacts/add-score',
        form: { email, score },
        schema: contactSchema,
      }),

    listPage: (options: PageOptions = {}): Promise<Page<Contact>> =>
      page(
        {
          method: 'GET',
          path: 'api/contacts',
          query: { page_size: options.pageSize ?? DEFAULT_PAGE_SIZE, cursor: options.cursor },
        },
        contactSchema,
      ),

    iterate: (options: IterateOptions = {}) =>
      iteratePages((cursor, pageSize) => contacts.listPage({ cursor, pageSize }), options, logger),

    /** Contacts (or companies, deals) matching a dynamic filter; `filter` values in ms where they are times. */
    filterPage: (
      filter: DynamicFilter,
      options: PageOptions & { sortKey?: string } = {},
    ): Promise<Page<Contact>> =>
      page(
        {
          method: 'POST',
          path: 'api/filters/filter/dynamic-filter',
          form: {
            page_size: options.pageSize ?? DEFAULT_PAGE_SIZE,
            global_sort_key: options.sortKey ?? '-created_time',
            filterJson: JSON.stringify({ or_rules: [], ...filter }),
            cursor: options.cursor,
          },
          retry: true,
        },
        contactSchema,
      ),

    iterateFilter: (filter: DynamicFilter, options: IterateOptions & { sortKey?: string } = {}) =>
      iteratePages(
        (cursor, pageSize) =>
          contacts.filterPage(filter, {
            cursor,
            pageSize,
            ...(options.sortKey ? { sortKey: options.sortKey } : {}),
          }),
        options,
        logger,
      ),

    notes: (contactId: string) =>
      list({ method: 'GET', path: path`api/contacts/${contactId}/notes`, schema: noteList }),

    /** Latest first. */
    tasks: (contactId: string) =>
      list({ method: 'GET', path: path`api/contacts/${contactId}/tasks/sort`, schema: taskList }),

    deals: (contactId: string) =>
      list({ method: 'GET', path: path`api/contacts/${contactId}/deals`, schema: dealList }),

    /**
     * Makes the domain user with `ownerEmail` the owner. Agile answers 200 with a plain message when
     * no user has that email: that becomes a not_found error.
     */
    changeOwner: async (contactId: string, ownerEmail: string): Promise<Contact> =>
      record({
        method: 'POST',
        path: 'api/contacts/change-owner',
        form: { owner_email: ownerEmail, contact_id: String(contactId) },
        schema: contactSchema,
        retry: true, // setting the same owner twice is harmless
        onNonJson: (text, request) =>
          new AgileError({
            kind: 'not_found',
            status: 200,
            request,
            reason: text.slice(0, 300),
            unknownUserEmail: ownerEmail,
            message: `Agile CRM refused to change the owner: ${text.slice(0, 300)}`,
          }),
      }),

    /** 204 on success. */
    delete: async (id: string): Promise<void> => {
      await http.request({ method: 'DELETE', path: path`api/contacts/${id}`, schema: anyAnswer });
    },
  };

  // ---- companies ----
  const companies = {
    get: async (id: string): Promise<Company | null> => contacts.get(id),

    create: async (input: CompanyInput): Promise<Company> => contacts.create({ ...input, type: 'COMPANY' }),

    updateProperties: (id: string, properties: ContactPropertyInput[]) =>
      contacts.updateProperties(id, properties),

    listPage: (options: PageOptions & { sortKey?: string } = {}): Promise<Page<Company>> =>
      page(
        {
          method: 'POST',
          path: 'api/contacts/companies/list',
          form: {
            page_size: options.pageSize ?? DEFAULT_PAGE_SIZE,
            global_sort_key: options.sortKey ?? '-created_time',
            cursor: options.cursor,
          },
          retry: true, // a read, despite POST
        },
        contactSchema,
      ),

    iterate: (options: IterateOptions & { sortKey?: string } = {}) =>
      iteratePages(
        (cursor, pageSize) =>
          companies.listPage({ cursor, pageSize, ...(options.sortKey ? { sortKey: options.sortKey } : {}) }),
        options,
        logger,
      ),

    search: (query: string, options: { pageSize?: number } = {}) =>
      contacts.search(query, {
        type: 'COMPANY',
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      }),

    delete: (id: string) => contacts.delete(id),
  };

  // ---- notes ----
  const notes = {
    createForContacts: async (note: NoteInput & { contactIds: string[] }): Promise<Note> =>
      record({
        method: 'POST',
        path: 'api/notes',
        json: {
          subject: note.subject,
          description: note.description,
          contact_ids: note.contactIds.map(String),
        },
        schema: noteSchema,
      }),

    /** Form-encoded; Agile answers 204. */
    addByEmail: async (email: string, note: NoteInput): Promise<void> => {
      await http.request({
        method: 'POST',
        path: 'api/contacts/email/note/add',
        form: { email, note: JSON.stringify({ subject: note.subject, description: note.description }) },
        schema: anyAnswer,
      });
    },

    /**
     * Reference (deal notes, POST): "Status 200: Note added successfully and it returns the deal as
     * JSON in response." The answer is the deal, not the note: there is no note id to be had from it.
     */
    createForDeal: async (note: NoteInput & { dealIds: string[] }): Promise<Deal> =>
      record({
        method: 'POST',
        path: 'api/opportunity/deals/notes',
        json: { subject: note.subject, description: note.description, deal_ids: note.dealIds.map(String) },
        schema: dealSchema,
      }),

    listForContact: (contactId: string) => contacts.notes(contactId),

    /**
     * Reference: DELETE api/contacts/{contact_id}/notes/{note_id} "removes the relationship between the
     * note and the contact"; 204.
     */
    deleteForContact: async (contactId: string, noteId: string): Promise<void> => {
      await http.request({
        method: 'DELETE',
        path: path`api/contacts/${contactId}/notes/${noteId}`,
        schema: anyAnswer,
      });
    },

    listForDeal: (dealId: string) =>
      list({ method: 'GET', path: path`api/opportunity/${dealId}/notes`, schema: noteList }),

    /**
     * Reference (deal notes): "POST - Deletes notes of the specific deal." at api/contacts/notes/bulk,
     * form-encoded `ids=["…"]`; 204.
     */
    deleteMany: async (noteIds: readonly string[]): Promise<void> => {
      await http.request({
        method: 'POST',
        path: 'api/contacts/notes/bulk',
        form: { ids: JSON.stringify(noteIds.map(String)) },
        schema: anyAnswer,
      });
    },
  };

  // ---- tasks ----
  const taskBody = (input: TaskUpdate) =>
    withoutUndefined({
      ...input,
      owner_id: input.owner_id === undefined ? undefined : String(input.owner_id),
      contacts: input.contacts?.map(String),
      deal_ids: input.deal_ids?.map(String),
      notes: input.notes?.map(String),
    });

  const tasks = {
    create: async (input: TaskInput): Promise<Task> =>
      record({ method: 'POST', path: 'api/tasks', json: taskBody(input), schema: taskSchema }),

    /** Creates the task and relates it to the contact with this email. */
    createByEmail: async (email: string, input: Omit<TaskInput, 'contacts'>): Promise<Task> =>
      record(
        {
          method: 'POST',
          path: path`api/tasks/email/${email}`,
          json: taskBody(input),
          schema: taskSchema,
        },
        'api/tasks/email',
      ),

    /** Only the given fields change (e.g. { is_complete: true, status: 'COMPLETED' }). */
    updatePartial: async (id: string, fields: TaskUpdate): Promise<Task> =>
      record({
        method: 'PUT',
        path: 'api/tasks/partial-update',
        json: { ...taskBody(fields), id: String(id) },
        schema: taskSchema,
      }),

    get: (id: string) => http.request({ method: 'GET', path: path`api/tasks/${id}`, schema: taskSchema }),

    list: () => list({ method: 'GET', path: 'api/tasks', schema: taskList }),

    /** Pending tasks of all users due within `numDays` days. */
    pending: (numDays: number) =>
      list({ method: 'GET', path: path`api/tasks/pending/${numDays}`, schema: taskList }),

    basedPage: (filters: TaskFilters = {}, options: PageOptions = {}): Promise<Page<Task>> =>
      page(
        {
          method: 'GET',
          path: 'api/tasks/based',
          query: {
            criteria: filters.criteria,
            type: filters.type,
            owner: filters.owner,
            pending: filters.pending,
            page_size: options.pageSize ?? DEFAULT_PAGE_SIZE,
            cursor: options.cursor,
          },
        },
        taskSchema,
      ),

    iterateBased: (filters: TaskFilters = {}, options: IterateOptions = {}) =>
      iteratePages((cursor, pageSize) => tasks.basedPage(filters, { cursor, pageSize }), options, logger),

    delete: async (id: string): Promise<void> => {
      await http.request({ method: 'DELETE', path: path`api/tasks/${id}`, schema: anyAnswer });
    },
  };

  // ---- deals ----
  const groupedDeals = async (spec: {
    path: string;
    query?: Record<string, string>;
  }): Promise<Record<string, Deal[]>> => {
    const answer = await http.request({
      method: 'GET',
      ...spec,
      schema: dealsByMilestoneSchema,
      // Every deal in these groups carries empty "cursor" and "count" fields.
      prepare: (data) =>
        data && typeof data === 'object' && !Array.isArray(data)
          ? Object.fromEntries(
              Object.entries(data).map(([milestone, deals]) => [milestone, stripPagingFields(deals)]),
            )
          : data,
    });
    return answer ?? {};
  };

  const deals = {
    /** POST with an id would update an existing deal, so the input has no id. */
    create: async (input: DealInput): Promise<Deal> =>
      record({
        method: 'POST',
        path: 'api/opportunity',
        json: dealBody(input),
        schema: dealSchema,
      }),

    /** Creates a deal related to the contact with this email (none is created if no contact has it). */
    createByEmail: async (email: string, input: Omit<DealInput, 'contact_ids'>): Promise<Deal> =>
      record(
        {
          method: 'POST',
          path: path`api/opportunity/email/${email}`,
          json: dealBody(input),
          schema: dealSchema,
        },
        'api/opportunity/email',
      ),

    /** PUT partial-update: only the given fields change. Milestones are case-sensitive. */
    updatePartial: async (id: string, fields: DealUpdate): Promise<Deal> =>
      record({
        method: 'PUT',
        path: 'api/opportunity/partial-update',
        json: { ...dealBody(fields), id: String(id) },
        schema: dealSchema,
      }),

    get: (id: string) =>
      http.request({ method: 'GET', path: path`api/opportunity/${id}`, schema: dealSchema }),

    listPage: (options: PageOptions = {}): Promise<Page<Deal>> =>
      page(
        {
          method: 'GET',
          path: 'api/opportunity',
          query: { page_size: options.pageSize ?? DEFAULT_PAGE_SIZE, cursor: options.cursor },
        },
        dealSchema,
      ),

    iterate: (options: IterateOptions = {}) =>
      iteratePages((cursor, pageSize) => deals.listPage({ cursor, pageSize }), options, logger),

    /** Deals of one track ("0" = default track, "1" = all tracks), paged. */
    trackPage: (trackId: string, options: PageOptions = {}): Promise<Page<Deal>> =>
      page(
        {
          method: 'GET',
          path: 'api/opportunity/based',
          query: {
            pipeline_id: String(trackId),
            page_size: options.pageSize ?? DEFAULT_PAGE_SIZE,
            cursor: options.cursor,
          },
        },
        dealSchema,
      ),

    iterateTrack: (trackId: string, options: IterateOptions = {}) =>
      iteratePages((cursor, pageSize) => deals.trackPage(trackId, { cursor, pageSize }), options, logger),

    /** Deals of a track grouped by milestone name ("0" = the default track). */
    byTrack: (trackId: string) =>
      groupedDeals({ path: 'api/opportunity/byPipeline/based', query: { pipeline_id: String(trackId) } }),

    /** Deals of the default track grouped by milestone name. */
    byMilestone: () => groupedDeals({ path: 'api/opportunity/byMilestone' }),

    forContact: (contactId: string) => contacts.deals(contactId),

    /** Deals owned by the API key's user. */
    mine: () => list({ method: 'GET', path: 'api/opportunity/my/deals', schema: dealList }),

    delete: async (id: string): Promise<void> => {
      await http.request({ method: 'DELETE', path: path`api/opportunity/${id}`, schema: anyAnswer });
    },
  };

  // ---- tracks ----
  const tracks = {
    list: () => list({ method: 'GET', path: 'api/milestone/pipelines', schema: trackList }),

    create: async (input: TrackInput): Promise<Track> =>
      record({
        method: 'POST',
        path: 'api/milestone/pipelines',
        json: { name: input.name, milestones: joinMilestones(input.milestones) },
        schema: trackSchema,
      }),

    update: async (id: string, input: TrackInput): Promise<Track> =>
      record({
        method: 'PUT',
        path: 'api/milestone/pipelines',
        json: { id: String(id), name: input.name, milestones: joinMilestones(input.milestones) },
        schema: trackSchema,
      }),
  };

  // ---- tickets ----
  const tickets = {
    filters: () => list({ method: 'GET', path: 'api/tickets/filters', schema: ticketFilterList }),

    listByFilter: (
      filterId: string,
      options: PageOptions & { sortKey?: string } = {},
    ): Promise<Page<Ticket>> =>
      page(
        {
          method: 'GET',
          path: 'api/tickets/filter',
          query: {
            filter_id: String(filterId),
            page_size: options.pageSize ?? DEFAULT_PAGE_SIZE,
            global_sort_key: options.sortKey ?? '-last_updated_time',
            cursor: options.cursor,
          },
        },
        ticketSchema,
      ),

    iterate: (filterId: string, options: IterateOptions & { sortKey?: string } = {}) =>
      iteratePages(
        (cursor, pageSize) =>
          tickets.listByFilter(filterId, {
            cursor,
            pageSize,
            ...(options.sortKey ? { sortKey: options.sortKey } : {}),
          }),
        options,
        logger,
      ),

    messages: (ticketId: string) =>
      list({ method: 'GET', path: path`api/tickets/notes/${ticketId}`, schema: ticketMessageList }),

    /** Agile answers with the ticket (per the reference); only its id is relied on. */
    addNote: async (ticketId: string, note: TicketNoteInput) =>
      record(
        {
          method: 'POST',
          path: path`api/notes/${ticketId}`,
          json: { ticket_id: String(ticketId), html_text: note.html_text, note_type: note.note_type },
          schema: recordWithIdSchema,
        },
        'api/notes/{ticket-id}',
      ),

    create: async (input: TicketInput): Promise<Ticket> =>
      record({
        method: 'POST',
        path: 'api/tickets/new-ticket',
        json: {
          ...input,
          groupID: String(input.groupID),
          labels: input.labels ?? null,
          cc_emails: input.cc_emails ?? [],
        },
        schema: ticketSchema,
      }),
  };

  // ---- users: not in the reference; Agile serves the domain users at api/users ----
  const users = {
    list: async (): Promise<DomainUser[]> => list({ method: 'GET', path: 'api/users', schema: userList }),
    /** The user the API key belongs to. */
    current: async (): Promise<DomainUser> =>
      record({ method: 'GET', path: 'api/users/current-user', schema: domainUserSchema }),
  };

  return { contacts, companies, notes, tasks, deals, tracks, tickets, users };
}

/** A write that answered 204/empty where the reference promises a record. */
function required<T>(value: T | null, where: string): T {
  if (value === null) {
    throw new AgileError({
      kind: 'bad_response',
      badAnswer: 'empty',
      message: `Agile CRM answered ${where} with no content where a record was expected`,
    });
  }
  return value;
}
