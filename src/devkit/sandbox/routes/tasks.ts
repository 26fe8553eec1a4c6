import {
  badRequestText,
  epochSec,
  jsonBody,
  noContent,
  ok,
  type RouteContext,
  type SimResponse,
} from '../http.js';
import { listAnswer, pageAnswer, queryPageRequest } from '../paging.js';
import { type Route, route } from '../router.js';
import { asBoolean, asId, asIdList, asNumber, asText, parseJsonLossless } from '../serialization.js';
import {
  findContactByEmail,
  findContactOrCompany,
  linkedTo,
  nextId,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TYPES,
  type TaskRecord,
} from '../state.js';
import { intInRange, oneOf } from '../validation.js';
import { taskToWire } from '../wire.js';

const DAY_SEC = 86_400;

function applyTaskFields(ctx: RouteContext, task: TaskRecord, body: Record<string, unknown>): void {
  const state = ctx.state;
  if (body.subject !== undefined) {
    const subject = asText(body.subject);
    if (!subject?.trim()) throw badRequestText('Task subject is mandatory');
    task.subject = subject;
  }
  if (body.type !== undefined) task.type = oneOf(body.type, 'type', TASK_TYPES);
  if (body.priority_type !== undefined)
    task.priorityType = oneOf(body.priority_type, 'priority_type', TASK_PRIORITIES);
  if (body.due !== undefined) {
    const due = asNumber(body.due);
    if (due === undefined || !Number.isInteger(due)) throw badRequestText('due should be epoch seconds');
    task.dueEpochSec = due;
  }
  if (body.progress !== undefined) task.progress = intInRange(body.progress, 'progress', 0, 100);
  if (body.status !== undefined) {
    task.status = oneOf(body.status, 'status', TASK_STATUSES);
    if (task.status === 'COMPLETED') {
      task.isComplete = true;
      task.progress = 100;
    }
  }
  if (body.is_complete !== undefined) {
    const complete = asBoolean(body.is_complete);
    if (complete === undefined) throw badRequestText('is_complete should be true or false');
    task.isComplete = complete;
    if (complete) {
      task.status = 'COMPLETED';
      task.progress = 100;
    } else if (task.status === 'COMPLETED') {
      task.status = 'YET_TO_START';
      task.progress = 0;
    }
  }
  if (body.contacts !== undefined) {
    const ids = asIdList(body.contacts);
    if (!ids) throw badRequestText('contacts should be a list of contact ids');
    for (const id of ids) {
      if (!findContactOrCompany(state, id)) throw badRequestText(`Contact not found with id ${id}`);
    }
    task.contactIds = ids;
  }
  if (body.deal_ids !== undefined) task.dealIds = asIdList(body.deal_ids) ?? [];
  if (body.notes !== undefined) task.noteIds = asIdList(body.notes) ?? [];
  if (body.owner_id !== undefined && asText(body.owner_id) !== '') {
    const owner = asId(body.owner_id);
    if (!owner || !state.users.some((u) => u.id === owner)) {
      throw badRequestText(`No domain user with id ${String(asText(body.owner_id))}`);
    }
    task.ownerId = owner;
  }
  if (body.taskDescription !== undefined) task.description = asText(body.taskDescription) ?? '';
  if (body.task_ending_time !== undefined) task.taskEndingTime = asText(body.task_ending_time);
}

function newTask(ctx: RouteContext, body: Record<string, unknown>, contactId?: string): TaskRecord {
  for (const field of ['subject', 'type', 'priority_type', 'due']) {
    if (body[field] === undefined || asText(body[field]) === '')
      throw badRequestText(`${field} is mandatory`);
  }
  const task: TaskRecord = {
    id: '',
    subject: '',
    type: 'OTHER',
    priorityType: 'NORMAL',
    dueEpochSec: 0,
    createdEpochSec: epochSec(ctx.now),
    isComplete: false,
    status: 'YET_TO_START',
    progress: 0,
    contactIds: [],
    dealIds: [],
    noteIds: [],
    ownerId: ctx.currentUser.id,
    description: '',
  };
  applyTaskFields(ctx, task, body);
  if (contactId && !task.contactIds.includes(contactId)) task.contactIds.push(contactId);
  task.id = nextId(ctx.state);
  ctx.state.tasks.push(task);
  return task;
}

function taskJson(ctx: RouteContext, task: TaskRecord): SimResponse {
  return ok(taskToWire(ctx.state, task), 'task');
}

function createTask(ctx: RouteContext): SimResponse {
  return taskJson(ctx, newTask(ctx, jsonBody(ctx, parseJsonLossless)));
}

function createTaskForEmail(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const contact = findContactByEmail(ctx.state, ctx.params.email ?? '');
  if (!contact) throw badRequestText(`Contact not found with email ${ctx.params.email ?? ''}`);
  return taskJson(ctx, newTask(ctx, body, contact.id));
}

function partialUpdate(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const id = asId(body.id);
  const task = ctx.state.tasks.find((t) => t.id === id);
  if (!task) throw badRequestText(`Task not found with id ${String(asText(body.id))}`);
  applyTaskFields(ctx, task, body);
  return taskJson(ctx, task);
}

function getTask(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  const task = ctx.state.tasks.find((t) => t.id === id);
  return task ? taskJson(ctx, task) : noContent();
}

function deleteTask(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.id);
  ctx.state.tasks = ctx.state.tasks.filter((t) => t.id !== id);
  return noContent();
}

function pagedTasks(ctx: RouteContext, key: string, tasks: TaskRecord[]): SimResponse {
  return pageAnswer(key, tasks, queryPageRequest(ctx), (t) => taskToWire(ctx.state, t), 'task');
}

function listTasks(ctx: RouteContext): SimResponse {
  const tasks = [...ctx.state.tasks].sort((a, b) => a.createdEpochSec - b.createdEpochSec);
  return pagedTasks(ctx, 'tasks', tasks);
}

function pendingTasks(ctx: RouteContext): SimResponse {
  const days = Number(ctx.params.days);
  if (!Number.isInteger(days) || days < 0)
    throw badRequestText(`Invalid number of days: ${ctx.params.days ?? ''}`);
  const nowSec = epochSec(ctx.now);
  // Pending = not complete and due before the end of the day `days` days from today (overdue included).
  const endSec = nowSec - (nowSec % DAY_SEC) + (days + 1) * DAY_SEC;
  const tasks = ctx.state.tasks
    .filter((t) => !t.isComplete && t.dueEpochSec < endSec)
    .sort((a, b) => a.dueEpochSec - b.dueEpochSec);
  return listAnswer(tasks, (t) => taskToWire(ctx.state, t), 'task');
}

function tasksBased(ctx: RouteContext): SimResponse {
  const { criteria, type, owner, pending } = ctx.query;
  let tasks = [...ctx.state.tasks];
  if (criteria && type) {
    if (criteria === 'CATEGORY') tasks = tasks.filter((t) => t.type === oneOf(type, 'type', TASK_TYPES));
    else if (criteria === 'STATUS')
      tasks = tasks.filter((t) => t.status === oneOf(type, 'type', TASK_STATUSES));
    else if (criteria === 'PRIORITY') {
      tasks = tasks.filter((t) => t.priorityType === oneOf(type, 'type', TASK_PRIORITIES));
    } else throw badRequestText(`Invalid criteria ${criteria}: CATEGORY, STATUS or PRIORITY`);
  }
  if (owner) {
    const ownerId = asId(owner);
    if (!ownerId) throw badRequestText(`Invalid owner ${owner}`);
    tasks = tasks.filter((t) => t.ownerId === ownerId);
  }
  if (pending === 'true') tasks = tasks.filter((t) => !t.isComplete);
  tasks.sort((a, b) => a.dueEpochSec - b.dueEpochSec);
  return pagedTasks(ctx, 'tasks-based', tasks);
}

function contactTasks(ctx: RouteContext): SimResponse {
  // "sorted by the date (latest first)"
  const tasks = linkedTo(ctx.state.tasks, 'contactIds', asId(ctx.params.id)).sort(
    (a, b) => b.dueEpochSec - a.dueEpochSec,
  );
  return listAnswer(tasks, (t) => taskToWire(ctx.state, t), 'task');
}

export function taskRoutes(): Route[] {
  return [
    route('GET', 'api/tasks', listTasks),
    route('POST', 'api/tasks', createTask),
    route('GET', 'api/tasks/based', tasksBased),
    route('GET', 'api/tasks/pending/:days', pendingTasks),
    route('POST', 'api/tasks/email/:email', createTaskForEmail),
    route('PUT', 'api/tasks/partial-update', partialUpdate),
    route('GET', 'api/tasks/:id', getTask),
    route('DELETE', 'api/tasks/:id', deleteTask),
    route('GET', 'api/contacts/:id/tasks/sort', contactTasks),
  ];
}
