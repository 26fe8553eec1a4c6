import type { ServerResponse } from 'node:http';
import { EnterpriseInstallRefused } from './installation-store.js';

/** The few characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}code{background:#f4f4f4;padding:0 .25rem}a{color:#1264a3}</style></head>
<body>${body}</body></html>`;
}

/** After a successful install: where the app is now, and the one next step (connecting Agile, unless done). */
export function installSuccessPage(
  teamName: string | undefined,
  opts: { connectedDomain?: string | undefined; slackUrl?: string | undefined } = {},
): string {
  const where = teamName ? `Installed in ${escapeHtml(teamName)}.` : 'Installed.';
  const open = opts.slackUrl ? `\n<p><a href="${escapeHtml(opts.slackUrl)}">Open Slack</a></p>` : '';
  if (opts.connectedDomain) {
    // A reinstall (new scopes, a revoked token replaced): the workspace's Agile connection is kept.
    return page(
      'Agile CRM is installed',
      `<h1>${where}</h1>
<p>The workspace is still connected to the Agile CRM account <code>${escapeHtml(opts.connectedDomain)}</code>:
every command works as before. An admin can change it with <code>/crm connect</code>.</p>${open}`,
    );
  }
  return page(
    'Agile CRM is installed',
    `<h1>${where}</h1>
<p>Next: an admin runs <code>/crm connect</code> in Slack to connect the workspace's Agile CRM account
(Agile domain, email and API key). Until then the app answers every command with how to connect.</p>
<p>Members can then connect their own Agile login with <code>/crm connect me</code>, so their changes are
recorded in Agile as theirs.</p>${open}`,
  );
}

/** Why an install failed, in words for the person installing (the technical code is logged). */
export function describeInstallFailure(error: unknown): string {
  if (error instanceof EnterpriseInstallRefused) return error.message;
  const code = (error as { code?: string } | null)?.code;
  const platform = (error as { data?: { error?: string } } | null)?.data?.error;
  switch (code) {
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return 'The install link expired or was opened in another browser (this check protects you from forged installs).';
    case 'slack_oauth_missing_code':
      return 'Slack did not send the authorization code back.';
    case 'slack_oauth_installer_authorization_error':
      return 'The install was cancelled in Slack.';
  }
  switch (platform) {
    case 'invalid_code':
    case 'code_already_used':
    case 'code_expired':
      return 'Slack no longer accepts this authorization (it was used or expired).';
    case 'bad_client_secret':
    case 'invalid_client_id':
      return "Slack refused the app's credentials: whoever runs the app should check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.";
    case undefined:
      return 'Something went wrong while saving the installation.';
    default:
      return `Slack refused the install (${platform}).`;
  }
}

export function installFailurePage(reason: string, installPath: string): string {
  return page(
    'Agile CRM was not installed',
    `<h1>The app was not installed</h1>
<p>${escapeHtml(reason)}</p>
<p><a href="${escapeHtml(installPath)}">Try again</a>: start from this link, in the browser you will use
to approve the install in Slack.</p>`,
  );
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
