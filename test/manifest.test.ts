import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES, COMMAND, EVENT, SHORTCUT } from '../src/platform/slack/ids.js';

interface Manifest {
  display_information: { name: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string }[];
    shortcuts: { name: string; type: string; callback_id: string }[];
    unfurl_domains?: string[];
  };
  oauth_config: { scopes: { bot: string[] }; redirect_urls?: string[] };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares the /crm command and every shortcut the app registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND.crm]);
    const shortcutIds = manifest.features.shortcuts.map((s) => s.callback_id).sort();
    expect(shortcutIds).toEqual(Object.values(SHORTCUT).sort());
    const log = manifest.features.shortcuts.find((s) => s.callback_id === SHORTCUT.logToCrm);
    expect(log).toMatchObject({ name: 'Log to CRM', type: 'message' });
    const thread = manifest.features.shortcuts.find((s) => s.callback_id === SHORTCUT.logThreadToCrm);
    expect(thread).toMatchObject({ name: 'Log thread to CRM', type: 'message' });
  });

  it('subscribes to every event the app registers, and unfurls agilecrm.com links', () => {
    expect(manifest.settings.event_subscriptions?.bot_events.sort()).toEqual(Object.values(EVENT).sort());
    expect(new URL(manifest.settings.event_subscriptions?.request_url ?? '').pathname).toBe('/slack/events');
    expect(manifest.features.unfurl_domains).toEqual(['agilecrm.com']);
  });

  it('asks for the scopes the features need', () => {
    for (const scope of [
      'commands',
      'chat:write',
      'chat:write.public',
      'users:read',
      'users:read.email',
      'reactions:write',
      // /crm audit: the CSV goes to the admin's DM (conversations.open, files.uploadV2).
      'files:write',
      'im:write',
      // Share in channel: conversations.info says whether a channel is shared with another organisation.
      'channels:read',
      'groups:read',
      'im:read',
      'mpim:read',
      // Link unfurls.
      'links:read',
      'links:write',
      // Log thread to CRM: conversations.replies in channels, private channels, DMs and group DMs.
      'channels:history',
      'groups:history',
      'im:history',
      'mpim:history',
      // Digests: a takeover looks for its run's main message in the channel history before posting one.
    ]) {
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
  });

  it('declares exactly the bot scopes the OAuth install asks for, and the OAuth redirect URL', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config.redirect_urls?.map((u) => new URL(u).pathname)).toEqual([
      '/slack/oauth_redirect',
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
  });

  it('enables the Home tab and subscribes to every event the app registers', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(Object.values(EVENT).sort());
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe('/slack/events');
  });

  it('points commands, interactivity and options loads at /slack/events (HTTP mode)', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("stays within Slack's manifest limits", () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.features.shortcuts.length).toBeLessThanOrEqual(10);
    for (const s of manifest.features.shortcuts) expect(s.name.length).toBeLessThanOrEqual(24);
    for (const c of manifest.features.slash_commands) {
      expect(c.command.length).toBeGreaterThanOrEqual(2);
      expect(c.command.length).toBeLessThanOrEqual(32);
    }
  });
});
