import type { ConsoleSnapshot } from './console-slack.js';

/** The console's HTML shell; console.js renders the conversation and modals into it. */

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

export function renderConsolePage(snap: ConsoleSnapshot, channelName?: string): string {
  const current = snap.channels.find((c) => c.name === channelName) ?? snap.channels[0];
  const channels = snap.channels
    .map((c) => {
      const active = c.id === current?.id ? ' class="active" aria-current="page"' : '';
      return `<li><a href="/?channel=${encodeURIComponent(c.name)}" data-channel="${escapeHtml(c.id)}"${active}># ${escapeHtml(c.name)}</a></li>`;
    })
    .join('\n          ');
  const me = snap.me;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Agile CRM bot · local console</title>
    <link rel="stylesheet" href="/console/console.css">
  </head>
  <body data-channel="${escapeHtml(current?.id ?? '')}" data-me="${escapeHtml(me.id)}">
    <div class="app">
      <nav class="sidebar" aria-label="Workspace">
        <div class="workspace">Acme (local console)</div>
        <button type="button" id="home-tab" class="sidebar-button home-tab">Home (Agile CRM app)</button>
        <div class="section-title">Channels</div>
        <ul class="channels">
          ${channels}
        </ul>
        <button type="button" id="digest-now" class="sidebar-button">Run digest now</button>
        <div class="me">
          <div class="me-name">${escapeHtml(me.name)}</div>
          <div class="me-detail">${escapeHtml(me.email ?? '')}</div>
          <div class="me-detail">${escapeHtml(me.tz)}</div>
        </div>
        <details class="violations" id="violations" hidden>
          <summary>Block Kit warnings: <span id="violation-count">0</span></summary>
          <ul id="violation-list"></ul>
        </details>
        <p class="hint">Type <code>/crm help</code> to start. This page plays Slack; the bot is the real
          one, on the same code path as in production.</p>
      </nav>
      <main class="channel" aria-label="Channel">
        <header class="channel-header"><span id="channel-hash"># </span><span id="channel-name">${escapeHtml(current?.name ?? '')}</span></header>
        <div class="messages" id="messages" role="log" aria-live="polite"></div>
        <div class="home" id="home" hidden aria-label="App Home"></div>
        <form class="composer" id="composer">
          <textarea id="message-box" rows="2" placeholder="Message #${escapeHtml(current?.name ?? '')} — try /crm help" aria-label="Message"></textarea>
          <button type="submit">Send</button>
        </form>
      </main>
      <aside class="thread" id="thread" hidden aria-label="Thread">
        <header class="thread-header">Thread <button type="button" id="thread-close" aria-label="Close thread">×</button></header>
        <div class="messages" id="thread-messages"></div>
        <form class="composer" id="thread-composer">
          <textarea id="thread-box" rows="2" placeholder="Reply…" aria-label="Reply"></textarea>
          <button type="submit">Reply</button>
        </form>
      </aside>
    </div>
    <div id="modal-root"></div>
    <script type="module" src="/console/console.js"></script>
  </body>
</html>
`;
}
