import { LIMITS } from '../../platform/slack/mrkdwn.js';

/**
 * Block Kit limits (../shared/slack-platform.md) checked over the JSON the bot really sends.
 * Input is `unknown` on purpose: the fake Slack hands us what came over the wire.
 */
export interface Violation {
  /** JSON path, e.g. `blocks[2].accessory.text.text`. */
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
];
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
const ALL_SELECTS = [...SELECTS, ...MULTI_SELECTS];

/** Which interactive elements each block type accepts. */
const ELEMENTS_FOR = {
  accessory: new Set([
    'button',
    'checkboxes',
    'datepicker',
    'image',
    'overflow',
    'radio_buttons',
    'timepicker',
    'workflow_button',
    ...ALL_SELECTS,
  ]),
  actions: new Set([
    'button',
    'checkboxes',
    'datepicker',
    'datetimepicker',
    'overflow',
    'radio_buttons',
    'timepicker',
    'workflow_button',
    'rich_text_input',
    ...ALL_SELECTS,
  ]),
  input: new Set([
    'checkboxes',
    'datepicker',
    'datetimepicker',
    'email_text_input',
    'file_input',
    'number_input',
    'plain_text_input',
    'radio_buttons',
    'rich_text_input',
    'timepicker',
    'url_text_input',
    ...ALL_SELECTS,
  ]),
};

const BLOCK_TYPES = new Set([
  'section',
  'divider',
  'header',
  'context',
  'actions',
  'input',
  'image',
  'rich_text',
  'video',
  'file',
  'markdown',
]);

class Checker {
  readonly violations: Violation[] = [];
  /** Summed characters of every text object in blocks (msg_blocks_too_long budget). */
  blockTextChars = 0;

  fail(path: string, message: string) {
    this.violations.push({ path, message });
  }

  max(path: string, value: unknown, max: number, what: string) {
    if (len(value) > max) this.fail(path, `${what} is ${len(value)} characters, limit ${max}`);
  }

  id(path: string, value: unknown, what: string, required = false) {
    if (value === undefined) {
      if (required) this.fail(path, `${what} is required`);
      return;
    }
    if (typeof value !== 'string' || value.length === 0)
      this.fail(path, `${what} must be a non-empty string`);
    else this.max(path, value, LIMITS.id, what);
  }

  /** A text object; `plainOnly` where Slack accepts plain_text only. */
  text(
    path: string,
    t: unknown,
    max: number,
    what: string,
    opts: { plainOnly?: boolean; required?: boolean } = {},
  ) {
    if (t === undefined) {
      if (opts.required ?? true) this.fail(path, `${what} is required`);
      return;
    }
    if (!isObj(t)) return this.fail(path, `${what} must be a text object`);
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
      return this.fail(`${path}.type`, `${what}: bad text type`);
    if (opts.plainOnly && t.type !== 'plain_text') this.fail(`${path}.type`, `${what} must be plain_text`);
    if (typeof t.text !== 'string' || t.text.length === 0)
      return this.fail(`${path}.text`, `${what} is empty`);
    this.blockTextChars += t.text.length;
    this.max(`${path}.text`, t.text, Math.min(max, LIMITS.text), what);
  }

  confirm(path: string, c: unknown) {
    if (c === undefined) return;
    if (!isObj(c)) return this.fail(path, 'confirm must be an object');
    this.text(`${path}.title`, c.title, LIMITS.confirmTitle, 'confirm title', { plainOnly: true });
    this.text(`${path}.text`, c.text, LIMITS.confirmText, 'confirm text');
    this.text(`${path}.confirm`, c.confirm, LIMITS.confirmButton, 'confirm button', { plainOnly: true });
    this.text(`${path}.deny`, c.deny, LIMITS.confirmButton, 'deny button', { plainOnly: true });
  }

  options(path: string, options: unknown, opts: { min: number; max: number; plainOnly: boolean }): Obj[] {
    if (!Array.isArray(options)) {
      this.fail(path, 'options must be an array');
      return [];
    }
    if (options.length < opts.min || options.length > opts.max)
      this.fail(path, `${options.length} options, allowed ${opts.min}–${opts.max}`);
    const valid: Obj[] = [];
    for (const [i, o] of options.entries()) {
      const p = `${path}[${i}]`;
      if (!isObj(o)) {
        this.fail(p, 'option must be an object');
        continue;
      }
      valid.push(o);
      this.text(`${p}.text`, o.text, LIMITS.optionText, 'option text', { plainOnly: opts.plainOnly });
      if (typeof o.value !== 'string' || o.value.length === 0)
        this.fail(`${p}.value`, 'option value is required');
      this.max(`${p}.value`, o.value, LIMITS.optionValue, 'option value');
      this.text(`${p}.description`, o.description, LIMITS.optionDescription, 'option description', {
        plainOnly: opts.plainOnly,
        required: false,
      });
      this.max(`${p}.url`, o.url, LIMITS.url, 'option url');
    }
    return valid;
  }

  initialOptions(path: string, el: Obj, options: Obj[]) {
    const values = new Set(options.map((o) => o.value));
    const initial = [el.initial_option, ...(Array.isArray(el.initial_options) ? el.initial_options : [])];
    for (const o of initial) {
      if (o === undefined) continue;
      if (!isObj(o) || !values.has(o.value)) this.fail(path, 'initial option is not one of the options');
    }
  }

  placeholder(path: string, el: Obj) {
    this.text(`${path}.placeholder`, el.placeholder, LIMITS.placeholder, 'placeholder', {
      plainOnly: true,
      required: false,
    });
  }

  element(path: string, el: unknown, allowed: Set<string>, where: string) {
    if (!isObj(el)) return this.fail(path, 'element must be an object');
    const type = String(el.type);
    if (!allowed.has(type))
      return this.fail(`${path}.type`, `element type ${type} is not allowed in ${where}`);
    if (type !== 'image') this.id(`${path}.action_id`, el.action_id, 'action_id');
    this.confirm(`${path}.confirm`, el.confirm);
    switch (type) {
      case 'button':
        this.text(`${path}.text`, el.text, LIMITS.buttonText, 'button text', { plainOnly: true });
        this.max(`${path}.value`, el.value, LIMITS.buttonValue, 'button value');
        this.max(`${path}.url`, el.url, LIMITS.url, 'button url');
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger')
          this.fail(`${path}.style`, 'button style must be primary or danger');
        break;
      case 'image':
        this.imageParts(path, el);
        break;
      case 'overflow':
        this.options(`${path}.options`, el.options, { min: 1, max: LIMITS.overflowOptions, plainOnly: true });
        break;
      case 'checkboxes':
      case 'radio_buttons': {
        const opts = this.options(`${path}.options`, el.options, {
          min: 1,
          max: LIMITS.choiceOptions,
          plainOnly: false,
        });
        this.initialOptions(path, el, opts);
        break;
      }
      case 'static_select':
      case 'multi_static_select': {
        this.placeholder(path, el);
        if ((el.options === undefined) === (el.option_groups === undefined)) {
          this.fail(path, 'static select needs exactly one of options and option_groups');
          break;
        }
        let all: Obj[] = [];
        if (el.options !== undefined)
          all = this.options(`${path}.options`, el.options, {
            min: 1,
            max: LIMITS.selectOptions,
            plainOnly: true,
          });
        else if (!Array.isArray(el.option_groups) || el.option_groups.length > LIMITS.selectOptions)
          this.fail(`${path}.option_groups`, `at most ${LIMITS.selectOptions} option groups`);
        else
          for (const [i, g] of el.option_groups.entries()) {
            const p = `${path}.option_groups[${i}]`;
            if (!isObj(g)) {
              this.fail(p, 'option group must be an object');
              continue;
            }
            this.text(`${p}.label`, g.label, LIMITS.optionText, 'option group label', { plainOnly: true });
            all.push(
              ...this.options(`${p}.options`, g.options, {
                min: 1,
                max: LIMITS.selectOptions,
                plainOnly: true,
              }),
            );
          }
        this.initialOptions(path, el, all);
        break;
      }
      case 'plain_text_input': {
        this.placeholder(path, el);
        for (const k of ['max_length', 'min_length'] as const) {
          const v = el[k];
          if (v === undefined) continue;
          const min = k === 'max_length' ? 1 : 0;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > LIMITS.inputMaxLength)
            this.fail(`${path}.${k}`, `${k} must be an integer ${min}–${LIMITS.inputMaxLength}`);
        }
        const maxLen = typeof el.max_length === 'number' ? el.max_length : LIMITS.inputMaxLength;
        this.max(`${path}.initial_value`, el.initial_value, maxLen, 'initial_value');
        break;
      }
      case 'number_input':
        this.placeholder(path, el);
        if (typeof el.is_decimal_allowed !== 'boolean')
          this.fail(`${path}.is_decimal_allowed`, 'is_decimal_allowed is required');
        for (const k of ['initial_value', 'min_value', 'max_value'])
          if (el[k] !== undefined && typeof el[k] !== 'string')
            this.fail(`${path}.${k}`, `${k} must be a string`);
        break;
      case 'datepicker':
        this.placeholder(path, el);
        if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date)))
          this.fail(`${path}.initial_date`, 'initial_date must be YYYY-MM-DD');
        break;
      case 'timepicker':
        this.placeholder(path, el);
        if (el.initial_time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(el.initial_time)))
          this.fail(`${path}.initial_time`, 'initial_time must be HH:mm (24 h)');
        break;
      default:
        if (ALL_SELECTS.includes(type) || type.endsWith('_input')) this.placeholder(path, el);
    }
  }

  imageParts(path: string, el: Obj) {
    if (el.image_url === undefined && el.slack_file === undefined)
      this.fail(path, 'image needs image_url or slack_file');
    this.max(`${path}.image_url`, el.image_url, LIMITS.url, 'image_url');
    if (typeof el.alt_text !== 'string' || el.alt_text.length === 0)
      this.fail(`${path}.alt_text`, 'alt_text is required');
    this.max(`${path}.alt_text`, el.alt_text, LIMITS.imageAltText, 'alt_text');
  }

  elements(path: string, els: unknown, max: number, allowed: Set<string>, where: string) {
    if (!Array.isArray(els) || els.length === 0)
      return this.fail(path, `${where} needs at least one element`);
    if (els.length > max) this.fail(path, `${where} has ${els.length} elements, limit ${max}`);
    const actionIds = new Set<unknown>();
    els.forEach((el, i) => {
      if (isObj(el) && el.action_id !== undefined) {
        if (actionIds.has(el.action_id))
          this.fail(`${path}[${i}].action_id`, `duplicate action_id ${el.action_id}`);
        actionIds.add(el.action_id);
      }
      this.element(`${path}[${i}]`, el, allowed, where);
    });
  }

  blocks(blocks: unknown, surface: 'message' | 'modal' | 'home') {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) return this.fail('blocks', 'blocks must be an array');
    const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
    if (blocks.length > max) this.fail('blocks', `${blocks.length} blocks, limit ${max} in a ${surface}`);
    const blockIds = new Set<unknown>();
    for (const [i, b] of blocks.entries()) {
      const p = `blocks[${i}]`;
      if (!isObj(b)) {
        this.fail(p, 'block must be an object');
        continue;
      }
      if (!BLOCK_TYPES.has(String(b.type))) {
        this.fail(`${p}.type`, `unknown block type ${String(b.type)}`);
        continue;
      }
      this.id(`${p}.block_id`, b.block_id, 'block_id');
      if (b.block_id !== undefined) {
        if (blockIds.has(b.block_id)) this.fail(`${p}.block_id`, `duplicate block_id ${String(b.block_id)}`);
        blockIds.add(b.block_id);
      }
      this.block(p, b, surface);
    }
  }

  block(p: string, b: Obj, surface: 'message' | 'modal' | 'home') {
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined) this.fail(p, 'section needs text or fields');
        this.text(`${p}.text`, b.text, LIMITS.text, 'section text', { required: false });
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0)
            this.fail(`${p}.fields`, 'fields must be non-empty');
          else {
            if (b.fields.length > LIMITS.sectionFields)
              this.fail(`${p}.fields`, `${b.fields.length} fields, limit ${LIMITS.sectionFields}`);
            for (const [i, f] of b.fields.entries())
              this.text(`${p}.fields[${i}]`, f, LIMITS.sectionField, 'section field');
          }
        }
        if (b.accessory !== undefined)
          this.element(`${p}.accessory`, b.accessory, ELEMENTS_FOR.accessory, 'accessory');
        break;
      case 'header':
        this.text(`${p}.text`, b.text, LIMITS.headerText, 'header text', { plainOnly: true });
        break;
      case 'context':
        this.elements(
          `${p}.elements`,
          b.elements,
          LIMITS.contextElements,
          new Set(['image', 'plain_text', 'mrkdwn']),
          'context',
        );
        if (Array.isArray(b.elements))
          b.elements.forEach((el, i) => {
            if (isObj(el) && el.type !== 'image')
              this.text(`${p}.elements[${i}]`, el, LIMITS.text, 'context text');
          });
        break;
      case 'actions':
        this.elements(`${p}.elements`, b.elements, LIMITS.actionsElements, ELEMENTS_FOR.actions, 'actions');
        break;
      case 'input':
        if (surface === 'message') this.fail(p, 'input blocks belong in modals, not messages');
        this.text(`${p}.label`, b.label, LIMITS.inputLabel, 'input label', { plainOnly: true });
        this.text(`${p}.hint`, b.hint, LIMITS.inputHint, 'input hint', { plainOnly: true, required: false });
        if (b.element === undefined) this.fail(`${p}.element`, 'input needs an element');
        else this.element(`${p}.element`, b.element, ELEMENTS_FOR.input, 'input');
        break;
      case 'image':
        this.imageParts(p, b);
        this.text(`${p}.title`, b.title, LIMITS.imageAltText, 'image title', {
          plainOnly: true,
          required: false,
        });
        break;
    }
  }
}

/** A message as sent to chat.postMessage / chat.update / chat.postEphemeral / response_url. */
export function validateMessage(msg: unknown): Violation[] {
  const c = new Checker();
  if (!isObj(msg)) return [{ path: '', message: 'message must be an object' }];
  if (msg.delete_original === true) return [];
  if (typeof msg.text !== 'string' || msg.text.trim() === '')
    c.fail('text', 'a plain text fallback is required (notifications, accessibility)');
  c.max('text', msg.text, LIMITS.fallbackText, 'fallback text');
  c.blocks(msg.blocks, 'message');
  if (c.blockTextChars > LIMITS.messageBlockText)
    c.fail(
      'blocks',
      `summed block text is ${c.blockTextChars} characters, budget ${LIMITS.messageBlockText}`,
    );
  return c.violations;
}

/** chat.unfurl's `unfurls`: a map of URL → `{ blocks }`, each preview checked as a message's blocks. */
export function validateUnfurls(unfurls: unknown): Violation[] {
  if (!isObj(unfurls)) return [{ path: 'unfurls', message: 'unfurls must be an object of URL → { blocks }' }];
  const found: Violation[] = [];
  for (const [url, preview] of Object.entries(unfurls)) {
    const c = new Checker();
    if (!isObj(preview)) c.fail('', 'an unfurl must be an object with blocks');
    else c.blocks(preview.blocks, 'message');
    if (c.blockTextChars > LIMITS.messageBlockText)
      c.fail(
        'blocks',
        `summed block text is ${c.blockTextChars} characters, budget ${LIMITS.messageBlockText}`,
      );
    for (const v of c.violations) found.push({ ...v, path: `unfurls[${url}]${v.path ? `.${v.path}` : ''}` });
  }
  return found;
}

/** A view as sent to views.open / views.update / views.push / views.publish. */
export function validateView(view: unknown): Violation[] {
  const c = new Checker();
  if (!isObj(view)) return [{ path: '', message: 'view must be an object' }];
  if (view.type !== 'modal' && view.type !== 'home') c.fail('type', 'view type must be modal or home');
  const surface = view.type === 'home' ? 'home' : 'modal';
  if (!Array.isArray(view.blocks)) c.fail('blocks', 'a view needs blocks');
  c.blocks(view.blocks, surface);
  c.id('callback_id', view.callback_id, 'callback_id');
  c.id('external_id', view.external_id, 'external_id');
  c.max('private_metadata', view.private_metadata, LIMITS.privateMetadata, 'private_metadata');
  if (surface === 'modal') {
    const opts = { plainOnly: true };
    c.text('title', view.title, LIMITS.viewTitle, 'modal title', opts);
    c.text('submit', view.submit, LIMITS.viewTitle, 'modal submit', { ...opts, required: false });
    c.text('close', view.close, LIMITS.viewTitle, 'modal close', { ...opts, required: false });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      c.fail('submit', 'submit is required when the modal has input blocks');
  }
  return c.violations;
}

export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `  - ${v.path || '(root)'}: ${v.message}`).join('\n');
}

export function assertValidMessage(msg: unknown): void {
  const v = validateMessage(msg);
  if (v.length > 0) throw new Error(`Invalid Block Kit message (${v.length}):\n${formatViolations(v)}`);
}

export function assertValidView(view: unknown): void {
  const v = validateView(view);
  if (v.length > 0) throw new Error(`Invalid Block Kit view (${v.length}):\n${formatViolations(v)}`);
}
