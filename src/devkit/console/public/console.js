// The local console's page: renders the workspace the server keeps (messages, ephemerals, threads,
// modals) and turns clicks and typing into console API calls, which the server signs and sends to
// the bot as Slack would. No framework, no build step; every text goes in through textContent.
import { renderMrkdwn } from './mrkdwn.js';

const $ = (id) => document.getElementById(id);
const body = document.body;

const ui = {
  snap: null,
  channel: body.dataset.channel,
  thread: null,
  /** viewId → { [blockId]: { [actionId]: wire value } } (what Slack calls view.state.values). */
  values: {},
  /** viewId → { [blockId]: message } from response_action errors or required fields. */
  errors: {},
  /** viewId → error shown on top of the modal (the app failed to answer). */
  modalError: {},
  renderedModal: '',
  busy: false,
  /** The Home tab is shown instead of the channel. */
  home: false,
};

// ---------------------------------------------------------------- server calls

async function call(op, payload) {
  const res = await fetch(`/console/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return res.json();
}

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const res = await fetch('/console/api/state');
      ui.snap = await res.json();
      render();
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function listen() {
  const events = new EventSource('/console/api/events');
  events.onmessage = () => void refresh();
  events.onerror = () => {
    // The server restarted or stopped: EventSource reconnects by itself.
  };
}

// ---------------------------------------------------------------- small DOM helpers

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

const userName = (id) => ui.snap?.users.find((u) => u.id === id)?.name;

function textObject(obj, className) {
  const span = el('span', className);
  if (!obj) return span;
  if (obj.type === 'mrkdwn') {
    span.classList.add('mrkdwn');
    span.appendChild(renderMrkdwn(obj.text ?? '', document, userName));
  } else span.textContent = obj.text ?? '';
  return span;
}

const plain = (obj) => (obj && typeof obj.text === 'string' ? obj.text : '');

function timeOf(ts) {
  const d = new Date(Number(ts) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

const optionOut = (o) => (o ? { text: { type: 'plain_text', text: plain(o.text) }, value: o.value } : null);

function allOptions(element) {
  if (element.options) return element.options;
  if (element.option_groups) return element.option_groups.flatMap((g) => g.options ?? []);
  return [];
}

// ---------------------------------------------------------------- element state (Slack's wire format)

function initialValue(e) {
  switch (e.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type: e.type, value: e.initial_value ?? null };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type: e.type, selected_option: optionOut(e.initial_option) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type: e.type, selected_options: (e.initial_options ?? []).map(optionOut) };
    case 'users_select':
      return { type: e.type, selected_user: e.initial_user ?? null };
    case 'multi_users_select':
      return { type: e.type, selected_users: e.initial_users ?? [] };
    case 'conversations_select':
      return { type: e.type, selected_conversation: e.initial_conversation ?? null };
    case 'channels_select':
      return { type: e.type, selected_channel: e.initial_channel ?? null };
    case 'datepicker':
      return { type: e.type, selected_date: e.initial_date ?? null };
    case 'timepicker':
      return { type: e.type, selected_time: e.initial_time ?? null };
    default:
      return null;
  }
}

function isEmpty(v) {
  if (!v) return true;
  if ('value' in v) return v.value === null || v.value === '';
  if ('selected_option' in v) return !v.selected_option;
  if ('selected_options' in v) return v.selected_options.length === 0;
  if ('selected_users' in v) return v.selected_users.length === 0;
  if ('selected_user' in v) return !v.selected_user;
  if ('selected_date' in v) return !v.selected_date;
  if ('selected_time' in v) return !v.selected_time;
  if ('selected_conversation' in v) return !v.selected_conversation;
  if ('selected_channel' in v) return !v.selected_channel;
  return false;
}

// ---------------------------------------------------------------- block actions

/**
 * view.state.values as Slack sends it: what the person changed, else the element's initial value.
 * Only changes are kept, so a views.update that sets a new initial value shows it (as in Slack)
 * unless the person already changed that input.
 */
function viewState(viewId) {
  const view = ui.snap?.modal.find((v) => v.id === viewId)?.view;
  const touched = ui.values[viewId] ?? {};
  const out = {};
  (view?.blocks ?? []).forEach((b, i) => {
    const blockId = b.block_id ?? `auto-${i}`;
    const elements = b.type === 'input' ? [b.element] : b.type === 'actions' ? b.elements : [b.accessory];
    for (const e of elements ?? []) {
      if (!e?.action_id) continue;
      const value = touched[blockId]?.[e.action_id] ?? initialValue(e);
      if (!value) continue;
      out[blockId] ??= {};
      out[blockId][e.action_id] = value;
    }
  });
  return out;
}

function setValue(viewId, blockId, actionId, wire) {
  if (!ui.values[viewId]) ui.values[viewId] = {};
  const view = ui.values[viewId];
  if (!view[blockId]) view[blockId] = {};
  view[blockId][actionId] = wire;
}

/**
 * ctx: { container, viewId?, blockId, inInput, dispatch }. In an input block a change only updates the
 * view state (unless dispatch_action); anywhere else it is a block_actions to the app at once.
 */
function changed(ctx, element, wire) {
  if (ctx.viewId) {
    setValue(ctx.viewId, ctx.blockId, element.action_id, wire);
    const errs = ui.errors[ctx.viewId];
    if (errs?.[ctx.blockId]) {
      delete errs[ctx.blockId];
      document.querySelector(`[data-error-for="${CSS.escape(ctx.blockId)}"]`)?.remove();
    }
  }
  if (ctx.inInput && !ctx.dispatch) return;
  const { type, ...rest } = wire;
  void act(ctx, { type, action_id: element.action_id, ...rest });
}

async function act(ctx, action) {
  const values = ctx.viewId ? viewState(ctx.viewId) : {};
  const out = await call('action', { container: ctx.container, blockId: ctx.blockId, action, values });
  if (!out.ok && ctx.viewId) {
    ui.modalError[ctx.viewId] = out.error;
    ui.renderedModal = '';
    render();
  }
}

function confirmed(element) {
  const c = element.confirm;
  if (!c) return true;
  return window.confirm(`${plain(c.title)}\n\n${plain(c.text)}`);
}

// ---------------------------------------------------------------- elements

function buttonEl(e, ctx) {
  const b = el('button', `btn${e.style ? ` ${e.style}` : ''}`, plain(e.text));
  b.type = 'button';
  if (e.url) b.title = e.url;
  b.addEventListener('click', () => {
    if (e.url) window.open(e.url, '_blank', 'noopener');
    if (!confirmed(e)) return;
    void act(ctx, {
      type: 'button',
      action_id: e.action_id,
      text: { type: 'plain_text', text: plain(e.text) },
      ...(e.value !== undefined ? { value: e.value } : {}),
      ...(e.style ? { style: e.style } : {}),
    });
  });
  return b;
}

function selectEl(e, current, options) {
  const s = el('select', 'select');
  s.setAttribute('aria-label', plain(e.placeholder) || e.action_id);
  const none = el('option', '', plain(e.placeholder) || 'Select an item');
  none.value = '';
  s.appendChild(none);
  const add = (parent, o) => {
    const opt = el('option', '', plain(o.text));
    opt.value = o.value;
    parent.appendChild(opt);
  };
  if (e.option_groups) {
    for (const g of e.option_groups) {
      const group = el('optgroup');
      group.label = plain(g.label);
      for (const o of g.options ?? []) add(group, o);
      s.appendChild(group);
    }
  } else for (const o of options) add(s, o);
  s.value = current ?? '';
  return s;
}

function staticSelectEl(e, ctx, state) {
  const s = selectEl(e, state?.selected_option?.value, allOptions(e));
  s.addEventListener('change', () => {
    const o = allOptions(e).find((x) => x.value === s.value);
    if (!confirmed(e)) return;
    changed(ctx, e, { type: e.type, selected_option: optionOut(o) });
  });
  return s;
}

function usersSelectEl(e, ctx, state) {
  const users = (ui.snap?.users ?? []).map((u) => ({
    text: { type: 'plain_text', text: u.name },
    value: u.id,
  }));
  const s = selectEl(e, state?.selected_user, users);
  s.addEventListener('change', () => changed(ctx, e, { type: e.type, selected_user: s.value || null }));
  return s;
}

function conversationsSelectEl(e, ctx, state) {
  const key = e.type === 'channels_select' ? 'selected_channel' : 'selected_conversation';
  const chans = (ui.snap?.channels ?? []).map((c) => ({
    text: { type: 'plain_text', text: `#${c.name}` },
    value: c.id,
  }));
  const s = selectEl(e, state?.[key], chans);
  s.addEventListener('change', () => changed(ctx, e, { type: e.type, [key]: s.value || null }));
  return s;
}

function multiSelectEl(e, ctx, state, users) {
  const box = el('div', 'multi');
  const opts = users
    ? (ui.snap?.users ?? []).map((u) => ({ text: { type: 'plain_text', text: u.name }, value: u.id }))
    : allOptions(e);
  const selected = new Set(
    users ? (state?.selected_users ?? []) : (state?.selected_options ?? []).map((o) => o.value),
  );
  for (const o of opts) {
    const label = el('label', 'check');
    const cb = el('input');
    cb.type = 'checkbox';
    cb.checked = selected.has(o.value);
    cb.addEventListener('change', () => {
      if (cb.checked) selected.add(o.value);
      else selected.delete(o.value);
      const picked = opts.filter((x) => selected.has(x.value));
      changed(
        ctx,
        e,
        users
          ? { type: e.type, selected_users: picked.map((x) => x.value) }
          : { type: e.type, selected_options: picked.map(optionOut) },
      );
    });
    label.append(cb, el('span', '', plain(o.text)));
    box.appendChild(label);
  }
  return box;
}

/** external_select / multi_external_select: a search box that asks the app for options. */
function externalSelectEl(e, ctx, state) {
  const multi = e.type === 'multi_external_select';
  const wrap = el('div', 'external');
  const chosen = el('div', 'chosen');
  const input = el('input', 'search');
  input.type = 'search';
  input.placeholder = plain(e.placeholder) || 'Type to search';
  input.setAttribute('aria-label', plain(e.placeholder) || e.action_id);
  input.autocomplete = 'off';
  const list = el('ul', 'options');
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  let picked = multi
    ? [...(state?.selected_options ?? [])]
    : state?.selected_option
      ? [state.selected_option]
      : [];

  const showChosen = () => {
    chosen.replaceChildren();
    for (const o of picked) {
      const chip = el('span', 'chip', plain(o.text));
      if (multi) {
        const x = el('button', 'chip-x', '×');
        x.type = 'button';
        x.setAttribute('aria-label', `Remove ${plain(o.text)}`);
        x.addEventListener('click', () => {
          picked = picked.filter((p) => p.value !== o.value);
          showChosen();
          changed(ctx, e, { type: e.type, selected_options: picked });
        });
        chip.appendChild(x);
      }
      chosen.appendChild(chip);
    }
  };
  showChosen();

  const pick = (o) => {
    const option = optionOut(o);
    picked = multi ? [...picked.filter((p) => p.value !== option.value), option] : [option];
    list.hidden = true;
    input.value = '';
    showChosen();
    changed(
      ctx,
      e,
      multi ? { type: e.type, selected_options: picked } : { type: e.type, selected_option: option },
    );
  };

  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    const min = e.min_query_length ?? 3;
    if (input.value.length < min) {
      list.hidden = true;
      return;
    }
    const values = ctx.viewId ? viewState(ctx.viewId) : {};
    const out = await call('suggest', {
      container: ctx.container,
      blockId: ctx.blockId,
      actionId: e.action_id,
      value: input.value,
      values,
    });
    if (mine !== seq) return;
    list.replaceChildren();
    const groups = out.option_groups ?? [{ options: out.options ?? [] }];
    let count = 0;
    for (const g of groups) {
      if (g.label) list.appendChild(el('li', 'group', plain(g.label)));
      for (const o of g.options ?? []) {
        count += 1;
        const li = el('li', 'option', plain(o.text));
        li.setAttribute('role', 'option');
        li.tabIndex = 0;
        li.addEventListener('mousedown', (ev) => {
          ev.preventDefault();
          pick(o);
        });
        li.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') pick(o);
        });
        list.appendChild(li);
      }
    }
    if (count === 0) list.appendChild(el('li', 'empty', 'No results'));
    list.hidden = false;
  };
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  // Slack loads options as soon as the menu opens when min_query_length is 0.
  input.addEventListener('focus', () => {
    if ((e.min_query_length ?? 3) === 0) void load();
  });
  input.addEventListener('blur', () => setTimeout(() => (list.hidden = true), 150));
  wrap.append(chosen, input, list);
  return wrap;
}

function overflowEl(e, ctx) {
  const wrap = el('div', 'overflow');
  const b = el('button', 'btn overflow-button', '⋯');
  b.type = 'button';
  b.setAttribute('aria-label', 'More options');
  const menu = el('ul', 'menu');
  menu.hidden = true;
  for (const o of e.options ?? []) {
    const li = el('li', 'menu-item', plain(o.text));
    li.setAttribute('role', 'menuitem');
    li.addEventListener('click', () => {
      menu.hidden = true;
      if (o.url) window.open(o.url, '_blank', 'noopener');
      if (!confirmed(e)) return;
      void act(ctx, { type: 'overflow', action_id: e.action_id, selected_option: optionOut(o) });
    });
    menu.appendChild(li);
  }
  b.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
  });
  wrap.append(b, menu);
  return wrap;
}

function inputEl(e, ctx, state) {
  const multiline = e.type === 'plain_text_input' && e.multiline;
  const i = el(multiline ? 'textarea' : 'input', 'text-input');
  if (!multiline) {
    i.type =
      {
        number_input: 'number',
        email_text_input: 'email',
        url_text_input: 'url',
        datepicker: 'date',
        timepicker: 'time',
      }[e.type] ?? 'text';
  }
  if (e.type === 'number_input' && e.is_decimal_allowed) i.step = 'any';
  if (e.min_value !== undefined) i.min = e.min_value;
  if (e.max_value !== undefined) i.max = e.max_value;
  if (e.max_length) i.maxLength = e.max_length;
  if (e.placeholder) i.placeholder = plain(e.placeholder);
  i.setAttribute('aria-label', plain(e.placeholder) || ctx.label || e.action_id);
  const key = { datepicker: 'selected_date', timepicker: 'selected_time' }[e.type] ?? 'value';
  i.value = state?.[key] ?? '';
  const fire = () => changed(ctx, e, { type: e.type, [key]: i.value === '' ? null : i.value });
  if (e.type === 'datepicker' || e.type === 'timepicker') i.addEventListener('change', fire);
  else {
    // Typing only updates the state; a dispatch_action input fires on Enter, as in Slack.
    i.addEventListener('input', () =>
      changed({ ...ctx, dispatch: false }, e, { type: e.type, value: i.value === '' ? null : i.value }),
    );
    if (ctx.dispatch) {
      i.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && !multiline) fire();
      });
    }
  }
  return i;
}

function choiceEl(e, ctx, state) {
  const radio = e.type === 'radio_buttons';
  const box = el('div', radio ? 'radios' : 'checks');
  const selected = new Set(
    radio
      ? [state?.selected_option?.value].filter(Boolean)
      : (state?.selected_options ?? []).map((o) => o.value),
  );
  const name = `${ctx.blockId}:${e.action_id}`;
  for (const o of e.options ?? []) {
    const label = el('label', 'check');
    const input = el('input');
    input.type = radio ? 'radio' : 'checkbox';
    input.name = name;
    input.checked = selected.has(o.value);
    input.addEventListener('change', () => {
      if (radio) {
        changed(ctx, e, { type: e.type, selected_option: optionOut(o) });
        return;
      }
      if (input.checked) selected.add(o.value);
      else selected.delete(o.value);
      changed(ctx, e, {
        type: e.type,
        selected_options: (e.options ?? []).filter((x) => selected.has(x.value)).map(optionOut),
      });
    });
    label.append(input, textObject(o.text));
    if (o.description) label.appendChild(textObject(o.description, 'description'));
    box.appendChild(label);
  }
  return box;
}

function imageEl(e, className) {
  const img = el('img', className);
  if (/^https?:/i.test(e.image_url ?? '')) img.src = e.image_url;
  img.alt = e.alt_text ?? '';
  img.referrerPolicy = 'no-referrer';
  return img;
}

function elementEl(e, ctx) {
  const state = ctx.viewId ? ui.values[ctx.viewId]?.[ctx.blockId]?.[e.action_id] : undefined;
  const current = state ?? initialValue(e);
  let node;
  switch (e.type) {
    case 'button':
      node = buttonEl(e, ctx);
      break;
    case 'static_select':
      node = staticSelectEl(e, ctx, current);
      break;
    case 'external_select':
    case 'multi_external_select':
      node = externalSelectEl(e, ctx, current);
      break;
    case 'multi_static_select':
      node = multiSelectEl(e, ctx, current, false);
      break;
    case 'multi_users_select':
      node = multiSelectEl(e, ctx, current, true);
      break;
    case 'users_select':
      node = usersSelectEl(e, ctx, current);
      break;
    case 'conversations_select':
    case 'channels_select':
      node = conversationsSelectEl(e, ctx, current);
      break;
    case 'overflow':
      node = overflowEl(e, ctx);
      break;
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'datepicker':
    case 'timepicker':
      node = inputEl(e, ctx, current);
      break;
    case 'radio_buttons':
    case 'checkboxes':
      node = choiceEl(e, ctx, current);
      break;
    case 'image':
      node = imageEl(e, 'accessory-image');
      break;
    default:
      node = el('span', 'unsupported', `[${e.type} not shown in the console]`);
  }
  node.dataset.actionId = e.action_id ?? '';
  node.dataset.elementType = e.type;
  return node;
}

// ---------------------------------------------------------------- blocks

function blocksEl(blocks, base) {
  const box = el('div', 'blocks');
  blocks.forEach((b, i) => {
    const blockId = b.block_id ?? `auto-${i}`;
    const ctx = { ...base, blockId };
    const node = blockEl(b, ctx);
    node.dataset.blockId = blockId;
    box.appendChild(node);
  });
  return box;
}

function blockEl(b, ctx) {
  switch (b.type) {
    case 'section': {
      const s = el('div', 'block section');
      const main = el('div', 'section-main');
      if (b.text) main.appendChild(textObject(b.text, 'section-text'));
      if (b.fields?.length) {
        const grid = el('div', 'fields');
        for (const f of b.fields) grid.appendChild(textObject(f, 'field'));
        main.appendChild(grid);
      }
      s.appendChild(main);
      if (b.accessory) {
        const acc = el('div', 'accessory');
        acc.appendChild(elementEl(b.accessory, ctx));
        s.appendChild(acc);
      }
      return s;
    }
    case 'header':
      return el('div', 'block header', plain(b.text));
    case 'divider':
      return el('hr', 'block divider');
    case 'context': {
      const c = el('div', 'block context');
      for (const e of b.elements ?? [])
        c.appendChild(e.type === 'image' ? imageEl(e, 'context-image') : textObject(e));
      return c;
    }
    case 'actions': {
      const a = el('div', 'block actions');
      for (const e of b.elements ?? []) a.appendChild(elementEl(e, ctx));
      return a;
    }
    case 'image': {
      const f = el('figure', 'block image');
      if (b.title) f.appendChild(textObject(b.title, 'image-title'));
      f.appendChild(imageEl(b, 'block-image'));
      return f;
    }
    case 'input': {
      const wrap = el('div', 'block input');
      const label = el('label', 'input-label');
      label.appendChild(textObject(b.label));
      if (b.optional) label.appendChild(el('span', 'optional', ' (optional)'));
      wrap.appendChild(label);
      const inputCtx = { ...ctx, inInput: true, dispatch: b.dispatch_action === true, label: plain(b.label) };
      wrap.appendChild(elementEl(b.element ?? {}, inputCtx));
      if (b.hint) wrap.appendChild(textObject(b.hint, 'hint'));
      const error = ctx.viewId ? ui.errors[ctx.viewId]?.[ctx.blockId] : undefined;
      if (error) {
        const e = el('div', 'input-error', error);
        e.setAttribute('role', 'alert');
        e.dataset.errorFor = ctx.blockId;
        wrap.appendChild(e);
        wrap.classList.add('has-error');
      }
      return wrap;
    }
    case 'rich_text':
      return el('div', 'block rich-text', '[rich_text block]');
    default:
      return el('div', 'block unsupported', `[${b.type} block not shown in the console]`);
  }
}

// ---------------------------------------------------------------- messages

function messageEl(m, { inThread }) {
  const box = el('div', `message${m.ephemeral ? ' ephemeral' : ''}`);
  box.dataset.ts = m.ts;
  const meta = el('div', 'meta');
  meta.appendChild(el('span', 'author', m.userName));
  if (m.isBot && !m.slackbot) meta.appendChild(el('span', 'app-badge', 'APP'));
  meta.appendChild(el('time', 'time', timeOf(m.ts)));
  if (!m.ephemeral) meta.appendChild(messageMenu(m, inThread));
  box.appendChild(meta);

  const container = { type: 'message', channel: ui.channel, ts: m.ts, ephemeral: m.ephemeral };
  const content = el('div', 'content');
  if (Array.isArray(m.blocks) && m.blocks.length > 0) content.appendChild(blocksEl(m.blocks, { container }));
  else content.appendChild(textObject({ type: 'mrkdwn', text: m.text ?? '' }, 'text'));
  box.appendChild(content);

  for (const u of m.unfurls ?? []) {
    // A link preview (chat.unfurl) under the message, as Slack shows it: a bar and the app's blocks.
    const preview = el('div', 'unfurl');
    preview.dataset.url = u.url;
    if (Array.isArray(u.blocks)) preview.appendChild(blocksEl(u.blocks, { container }));
    box.appendChild(preview);
  }
  if (m.reactions.length) {
    const r = el('div', 'reactions');
    for (const name of m.reactions) {
      const chip = el('span', 'reaction');
      chip.appendChild(renderMrkdwn(`:${name}:`, document));
      chip.title = name;
      r.appendChild(chip);
    }
    box.appendChild(r);
  }
  if (m.ephemeral) box.appendChild(el('div', 'only-you', 'Only visible to you'));
  if (!inThread && m.broadcast) {
    const link = el('button', 'replies', 'replied to a thread');
    link.type = 'button';
    link.addEventListener('click', () => openThread(m.threadTs));
    box.appendChild(link);
  }
  if (!inThread && m.replyCount > 0) {
    const link = el('button', 'replies', `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`);
    link.type = 'button';
    link.addEventListener('click', () => openThread(m.ts));
    box.appendChild(link);
  }
  return box;
}

function messageMenu(m, inThread) {
  const wrap = el('div', 'message-menu');
  const b = el('button', 'more', '⋮');
  b.type = 'button';
  b.setAttribute('aria-label', 'More actions');
  b.title = 'More actions';
  const menu = el('ul', 'menu');
  menu.hidden = true;
  const item = (label, run) => {
    const li = el('li', 'menu-item', label);
    li.setAttribute('role', 'menuitem');
    li.addEventListener('click', () => {
      menu.hidden = true;
      run();
    });
    menu.appendChild(li);
  };
  item('Log to CRM', () => void call('shortcut', { channel: ui.channel, ts: m.ts }));
  // Offered on the messages of a thread (its parent, or a reply), as Slack lists the app's shortcuts.
  if (m.threadTs || m.replyCount > 0)
    item(
      'Log thread to CRM',
      () => void call('shortcut', { channel: ui.channel, ts: m.ts, callbackId: 'log_thread_to_crm' }),
    );
  if (!inThread) item('Reply in thread', () => openThread(m.ts));
  b.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
  });
  wrap.append(b, menu);
  return wrap;
}

function openThread(ts) {
  ui.thread = ts;
  render();
  $('thread-box').focus();
}

// ---------------------------------------------------------------- modal

function renderModal() {
  const root = $('modal-root');
  const stack = ui.snap?.modal ?? [];
  const top = stack[stack.length - 1];
  const key = top ? `${top.id}:${top.hash}:${stack.length}` : '';
  if (key === ui.renderedModal) return;
  ui.renderedModal = key;
  root.replaceChildren();
  if (!top) return;

  const v = top.view;
  const overlay = el('div', 'overlay');
  const dialog = el('form', 'modal');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', plain(v.title));
  dialog.noValidate = true;

  const head = el('div', 'modal-head');
  if (stack.length > 1) {
    const back = el('button', 'modal-back', '‹');
    back.type = 'button';
    back.setAttribute('aria-label', 'Back');
    back.addEventListener('click', () => void call('close', { viewId: top.id, clear: false }));
    head.appendChild(back);
  }
  head.appendChild(el('h2', 'modal-title', plain(v.title)));
  const x = el('button', 'modal-x', '×');
  x.type = 'button';
  x.setAttribute('aria-label', 'Close');
  x.addEventListener('click', () => void call('close', { viewId: top.id, clear: true }));
  head.appendChild(x);
  dialog.appendChild(head);

  const content = el('div', 'modal-body');
  if (ui.modalError[top.id]) {
    const e = el('div', 'modal-error', ui.modalError[top.id]);
    e.setAttribute('role', 'alert');
    content.appendChild(e);
  }
  content.appendChild(
    blocksEl(v.blocks ?? [], { container: { type: 'view', viewId: top.id }, viewId: top.id }),
  );
  dialog.appendChild(content);

  const foot = el('div', 'modal-foot');
  const cancel = el('button', 'btn', plain(v.close) || 'Cancel');
  cancel.type = 'button';
  cancel.addEventListener('click', () => void call('close', { viewId: top.id, clear: false }));
  foot.appendChild(cancel);
  if (v.submit) {
    const submit = el('button', 'btn primary', plain(v.submit));
    submit.type = 'submit';
    foot.appendChild(submit);
  }
  dialog.appendChild(foot);
  dialog.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitModal(top);
  });
  overlay.appendChild(dialog);
  root.appendChild(overlay);
  dialog.querySelector('textarea.text-input, input.text-input')?.focus();
}

async function submitModal(top) {
  const values = viewState(top.id);
  // Slack itself refuses an empty required input before the app hears anything.
  const missing = {};
  for (const b of top.view.blocks ?? []) {
    if (b.type !== 'input' || b.optional) continue;
    const v = values[b.block_id]?.[b.element?.action_id];
    if (isEmpty(v)) missing[b.block_id] = 'Please complete this required field.';
  }
  if (Object.keys(missing).length > 0) {
    ui.errors[top.id] = missing;
    ui.renderedModal = '';
    render();
    return;
  }
  const submitButton = document.querySelector('.modal-foot .primary');
  if (submitButton) submitButton.disabled = true;
  const out = await call('submit', { viewId: top.id, values });
  if (submitButton) submitButton.disabled = false;
  ui.errors[top.id] = out.errors ?? {};
  ui.modalError[top.id] = out.ok || out.errors ? undefined : out.error;
  ui.renderedModal = '';
  render();
}

// ---------------------------------------------------------------- page

function renderViolations() {
  const list = ui.snap.violations;
  $('violations').hidden = list.length === 0;
  $('violation-count').textContent = String(list.length);
  $('violation-list').replaceChildren(
    ...list.map((v) => el('li', '', `${v.method} ${v.path}: ${v.message}`)),
  );
}

function scrolledToBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 40;
}

/** The app's Home tab, as it last published it (views.publish); its clicks are block_actions on that view. */
function renderHome() {
  const pane = $('home');
  const home = ui.snap?.home;
  pane.hidden = !ui.home;
  $('messages').hidden = ui.home;
  $('composer').hidden = ui.home;
  $('home-tab').classList.toggle('active', ui.home);
  $('channel-hash').hidden = ui.home;
  for (const a of document.querySelectorAll('.channels a')) {
    a.classList.toggle('active', !ui.home && a.dataset.channel === ui.channel);
  }
  $('channel-name').textContent = ui.home
    ? 'Home'
    : (ui.snap?.channels.find((c) => c.id === ui.channel)?.name ?? '');
  if (!ui.home) return;
  if (!home) {
    pane.replaceChildren(el('p', 'hint', 'Waiting for the app to publish its Home tab…'));
    return;
  }
  pane.replaceChildren(blocksEl(home.view.blocks ?? [], { container: { type: 'view', viewId: home.id } }));
}

function render() {
  const snap = ui.snap;
  if (!snap) return;
  renderHome();
  const all = snap.messages[ui.channel] ?? [];
  const main = $('messages');
  const stick = scrolledToBottom(main);
  main.replaceChildren(
    ...all
      .filter((m) => !m.threadTs || m.threadTs === m.ts || m.broadcast)
      .map((m) => messageEl(m, { inThread: false })),
  );
  if (stick) main.scrollTop = main.scrollHeight;

  const pane = $('thread');
  const root = ui.thread && all.find((m) => m.ts === ui.thread);
  pane.hidden = !root;
  if (root) {
    $('thread-messages').replaceChildren(
      messageEl(root, { inThread: true }),
      ...all
        .filter((m) => m.threadTs === root.ts && m.ts !== root.ts)
        .map((m) => messageEl(m, { inThread: true })),
    );
  }
  renderViolations();
  renderModal();
}

function wireComposer(form, box, threadTs) {
  const send = async () => {
    const text = box.value;
    if (!text.trim()) return;
    box.value = '';
    const out = await call('send', { channel: ui.channel, text, threadTs: threadTs() });
    if (!out.ok && out.error) box.value = text;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void send();
  });
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      void send();
    }
  });
}

wireComposer($('composer'), $('message-box'), () => undefined);
wireComposer($('thread-composer'), $('thread-box'), () => ui.thread ?? undefined);
$('thread-close').addEventListener('click', () => {
  ui.thread = null;
  render();
});
$('digest-now').addEventListener('click', () => void call('digest', { channel: ui.channel }));
$('home-tab').addEventListener('click', () => {
  ui.home = true;
  ui.thread = null;
  render();
  void call('home', {});
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && ui.snap?.modal.length) {
    const top = ui.snap.modal[ui.snap.modal.length - 1];
    void call('close', { viewId: top.id, clear: true });
  }
});

listen();
void refresh();
