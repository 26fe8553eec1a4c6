import { describe, expect, it } from 'vitest';
import { decodeConnectMetadata } from '../../../src/features/connect/schema.js';
import {
  buildAdminOnlyMessage,
  buildConnectCheckingModal,
  buildConnectDoneModal,
  buildConnectModal,
  buildDisconnectDoneModal,
  buildDisconnectModal,
  buildEnvAccountMessage,
  buildNotConnectedMessage,
} from '../../../src/features/connect/views.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';

const EVIL = '<!channel> *Eve* <https://evil.example|click>';
const json = (v: unknown) => JSON.stringify(v);

describe('connect views', () => {
  it('the workspace form: three labelled inputs, what was typed kept, valid Block Kit', () => {
    const view = buildConnectModal({
      scope: 'workspace',
      domain: null,
      typed: { domain: 'acme', email: 'ops@acme.com', apiKey: 'k3y' },
      error: 'Agile refused this email and API key',
      replacing: { domain: 'old', email: EVIL },
    });
    expect(validateView(view)).toEqual([]);
    const inputs = view.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => (b as { label: { text: string } }).label.text)).toEqual([
      'Agile domain',
      'Email',
      'API key',
    ]);
    expect(json(view)).toContain('"initial_value":"k3y"');
    expect(json(view)).toContain('Admin Settings');
    expect(json(view)).not.toContain('<!channel>');
    expect(decodeConnectMetadata(view.private_metadata)).toEqual({ scope: 'workspace', domain: null });
  });

  it('the personal form: Email and API key only, the workspace domain shown', () => {
    const view = buildConnectModal({ scope: 'personal', domain: 'acme' });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.filter((b) => b.type === 'input')).toHaveLength(2);
    expect(json(view)).toContain('*acme*');
    expect(decodeConnectMetadata(view.private_metadata)).toEqual({ scope: 'personal', domain: 'acme' });
  });

  it('checking, done and disconnect views are valid and escape what they echo', () => {
    for (const view of [
      buildConnectCheckingModal('workspace', 'acme'),
      buildConnectDoneModal('personal', 'acme', EVIL),
      buildDisconnectModal('workspace', { domain: 'acme', email: EVIL }),
      buildDisconnectModal('personal', { domain: null, email: 'raj@acme.com' }),
      buildDisconnectDoneModal('workspace', 'acme'),
    ]) {
      expect(validateView(view)).toEqual([]);
      expect(json(view)).not.toContain('<!channel>');
    }
    expect(json(buildDisconnectModal('workspace', { domain: 'acme', email: 'a@b.c' }))).toContain(
      'Disconnect acme? Members will not be able to use the CRM from Slack until an admin connects again',
    );
  });

  it('the ephemeral answers are valid messages', () => {
    for (const message of [
      buildAdminOnlyMessage(),
      buildEnvAccountMessage('disconnect', 'acme', 'ops@acme.com'),
      buildEnvAccountMessage('connect', null, 'ops@acme.com'),
      buildNotConnectedMessage('workspace'),
      buildNotConnectedMessage('personal'),
    ]) {
      expect(validateMessage(message)).toEqual([]);
    }
  });
});
