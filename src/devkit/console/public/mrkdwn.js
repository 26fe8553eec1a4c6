// Slack mrkdwn → a small node tree → DOM (textContent only) or escaped HTML (for tests).
// Text from Slack arrives with &, <, > as entities; a raw `<` only opens Slack's own syntax
// (<url|label>, <@U…>, <#C…|name>, <!here>). Entities are decoded only inside text nodes, after
// parsing, so `&lt;!channel&gt;` stays the literal text `<!channel>` and never becomes a mention.

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  warning: '⚠️',
  x: '❌',
  memo: '📝',
  calendar: '📅',
  date: '📅',
  alarm_clock: '⏰',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  office: '🏢',
  moneybag: '💰',
  chart_with_upwards_trend: '📈',
  ticket: '🎫',
  email: '📧',
  envelope: '✉️',
  phone: '📞',
  telephone_receiver: '📞',
  link: '🔗',
  mag: '🔍',
  bell: '🔔',
  sunrise: '🌅',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  arrow_right: '➡️',
  heavy_plus_sign: '➕',
  pushpin: '📌',
  speech_balloon: '💬',
  tada: '🎉',
  zzz: '💤',
  information_source: 'ℹ️',
  no_entry: '⛔',
  construction: '🚧',
  fire: '🔥',
};

const SAFE_URL = /^(https?:|mailto:|tel:)/i;

export function decodeEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}

function textNode(raw) {
  return { type: 'text', text: emojify(decodeEntities(raw)) };
}

/** `<…>` contents → a node. */
function angle(inner) {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : '';
  if (target.startsWith('@')) return { type: 'user', id: target.slice(1), label: decodeEntities(label) };
  if (target.startsWith('#')) return { type: 'channel', id: target.slice(1), label: decodeEntities(label) };
  if (target.startsWith('!')) {
    const name = target.slice(1).split('^')[0];
    if (name === 'date' || name.startsWith('subteam')) {
      return { type: 'text', text: decodeEntities(label || target) };
    }
    return { type: 'special', name };
  }
  const url = decodeEntities(target);
  const text = decodeEntities(label || target);
  if (!SAFE_URL.test(url)) return { type: 'text', text };
  return { type: 'link', url, text };
}

const isWordChar = (c) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

// Bold/italic/strike need a non-space right inside the markers and no word character outside.
const STYLES = [
  { type: 'bold', mark: '*' },
  { type: 'italic', mark: '_' },
  { type: 'strike', mark: '~' },
];

function findStyled(text, from) {
  let best = null;
  for (const { type, mark } of STYLES) {
    let i = text.indexOf(mark, from);
    while (i >= 0) {
      const before = text[i - 1];
      const first = text[i + 1];
      if (!isWordChar(before) && first !== undefined && first !== mark && !/\s/.test(first)) {
        let j = text.indexOf(mark, i + 2);
        while (j >= 0) {
          const last = text[j - 1];
          const after = text[j + 1];
          if (!/\s/.test(last) && !isWordChar(after) && !text.slice(i + 1, j).includes('\n')) break;
          j = text.indexOf(mark, j + 1);
        }
        if (j >= 0) {
          if (!best || i < best.start) best = { type, start: i, end: j };
          break;
        }
      }
      i = text.indexOf(mark, i + 1);
    }
  }
  return best;
}

/** Private-use characters stand in for tokens while styles are parsed. */
const PLACEHOLDER = 0xe000;
const PLACEHOLDER_END = 0xf8ff;

/**
 * Inline text (no code blocks). Angle tokens and inline code are taken out first, each replaced by a
 * private-use placeholder, so that styles can wrap them (`*<url|x>*`); they are put back afterwards.
 */
function inline(text) {
  const tokens = [];
  const masked = text
    .replace(/[\uE000-\uF8FF]/g, '')
    .replace(/<([^<>\n]+)>|`([^`\n]+)`/g, (whole, inner, code) => {
      if (PLACEHOLDER + tokens.length > PLACEHOLDER_END) return whole;
      tokens.push(inner !== undefined ? angle(inner) : { type: 'code', text: decodeEntities(code) });
      return String.fromCharCode(PLACEHOLDER + tokens.length - 1);
    });
  return restore(styled(masked), tokens);
}

function restore(nodes, tokenNodes) {
  const out = [];
  for (const n of nodes) {
    if (n.type === 'text') {
      let buf = '';
      for (const ch of n.text) {
        const code = ch.charCodeAt(0);
        if (code >= PLACEHOLDER && tokenNodes[code - PLACEHOLDER]) {
          if (buf) out.push({ type: 'text', text: buf });
          buf = '';
          out.push(tokenNodes[code - PLACEHOLDER]);
        } else buf += ch;
      }
      if (buf) out.push({ type: 'text', text: buf });
    } else if (n.children) out.push({ ...n, children: restore(n.children, tokenNodes) });
    else out.push(n);
  }
  return out;
}

function styled(text) {
  const nodes = [];
  let pos = 0;
  while (pos < text.length) {
    const found = findStyled(text, pos);
    if (!found) break;
    if (found.start > pos) nodes.push(textNode(text.slice(pos, found.start)));
    nodes.push({ type: found.type, children: styled(text.slice(found.start + 1, found.end)) });
    pos = found.end + 1;
  }
  if (pos < text.length) nodes.push(textNode(text.slice(pos)));
  return nodes;
}

/** Lines: `>` quotes (raw `>` only: an escaped `&gt;` is literal text), newlines as breaks. */
function lines(text) {
  const nodes = [];
  const all = text.split('\n');
  all.forEach((line, i) => {
    const quote = /^> ?(.*)$/.exec(line);
    if (quote) nodes.push({ type: 'quote', children: inline(quote[1]) });
    else {
      for (const n of inline(line)) nodes.push(n);
      if (i < all.length - 1 && !/^> ?/.test(all[i + 1] ?? '')) nodes.push({ type: 'br' });
    }
  });
  return nodes;
}

/** Parses mrkdwn into nodes: text, bold, italic, strike, code, pre, link, user, channel, special, quote, br. */
export function parseMrkdwn(text) {
  const nodes = [];
  const source = String(text ?? '');
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (let m = fence.exec(source); m; m = fence.exec(source)) {
    for (const n of lines(source.slice(last, m.index))) nodes.push(n);
    nodes.push({ type: 'pre', text: decodeEntities(m[1].replace(/^\n/, '')) });
    last = m.index + m[0].length;
  }
  for (const n of lines(source.slice(last))) nodes.push(n);
  return nodes;
}

const SPECIAL_LABEL = { here: '@here', channel: '@channel', everyone: '@everyone' };
const TAGS = { bold: 'b', italic: 'i', strike: 's', quote: 'blockquote' };

function escapeHtml(s) {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function userLabel(node, resolveUser) {
  return `@${node.label || resolveUser?.(node.id) || node.id}`;
}

/** Escaped HTML of mrkdwn: every text goes through escapeHtml, only known tags are produced. */
export function mrkdwnToHtml(text, resolveUser) {
  const html = (nodes) =>
    nodes
      .map((n) => {
        switch (n.type) {
          case 'text':
            return escapeHtml(n.text);
          case 'br':
            return '<br>';
          case 'code':
            return `<code>${escapeHtml(n.text)}</code>`;
          case 'pre':
            return `<pre>${escapeHtml(n.text)}</pre>`;
          case 'link':
            return `<a href="${escapeHtml(n.url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(n.text)}</a>`;
          case 'user':
            return `<span class="mention">${escapeHtml(userLabel(n, resolveUser))}</span>`;
          case 'channel':
            return `<span class="mention">#${escapeHtml(n.label || n.id)}</span>`;
          case 'special':
            return `<span class="badge">${escapeHtml(SPECIAL_LABEL[n.name] ?? `@${n.name}`)}</span>`;
          default:
            return `<${TAGS[n.type]}>${html(n.children)}</${TAGS[n.type]}>`;
        }
      })
      .join('');
  return html(parseMrkdwn(text));
}

/** The same rendering as DOM nodes, built with textContent only: nothing is ever parsed as HTML. */
export function renderMrkdwn(text, doc, resolveUser) {
  const frag = doc.createDocumentFragment();
  const el = (tag, className, content) => {
    const e = doc.createElement(tag);
    if (className) e.className = className;
    if (content !== undefined) e.textContent = content;
    return e;
  };
  const build = (nodes, parent) => {
    for (const n of nodes) {
      switch (n.type) {
        case 'text':
          parent.appendChild(doc.createTextNode(n.text));
          break;
        case 'br':
          parent.appendChild(el('br'));
          break;
        case 'code':
          parent.appendChild(el('code', '', n.text));
          break;
        case 'pre':
          parent.appendChild(el('pre', '', n.text));
          break;
        case 'link': {
          const a = el('a', '', n.text);
          a.setAttribute('href', n.url);
          a.setAttribute('rel', 'noopener noreferrer');
          a.setAttribute('target', '_blank');
          parent.appendChild(a);
          break;
        }
        case 'user':
          parent.appendChild(el('span', 'mention', userLabel(n, resolveUser)));
          break;
        case 'channel':
          parent.appendChild(el('span', 'mention', `#${n.label || n.id}`));
          break;
        case 'special':
          parent.appendChild(el('span', 'badge', SPECIAL_LABEL[n.name] ?? `@${n.name}`));
          break;
        default: {
          const e = el(TAGS[n.type]);
          build(n.children, e);
          parent.appendChild(e);
        }
      }
    }
  };
  build(parseMrkdwn(text), frag);
  return frag;
}
