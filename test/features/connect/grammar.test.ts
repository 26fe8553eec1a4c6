import { describe, expect, it } from 'vitest';
import { parseCrmCommand } from '../../../src/features/command/grammar.js';
import { buildHelpMessage } from '../../../src/features/command/help-view.js';

describe('/crm connect and disconnect', () => {
  it.each([
    ['connect', { kind: 'connect', scope: 'workspace' }],
    ['CONNECT', { kind: 'connect', scope: 'workspace' }],
    ['connect workspace', { kind: 'connect', scope: 'workspace' }],
    ['connect me', { kind: 'connect', scope: 'personal' }],
    ['connect  ME ', { kind: 'connect', scope: 'personal' }],
    ['disconnect', { kind: 'disconnect', scope: 'workspace' }],
    ['disconnect me', { kind: 'disconnect', scope: 'personal' }],
  ])('%j', (text, expected) => {
    expect(parseCrmCommand(text)).toEqual(expected);
  });

  it('anything else after it is a usage error that quotes it', () => {
    const cmd = parseCrmCommand('connect acme');
    expect(cmd.kind).toBe('error');
    if (cmd.kind === 'error') {
      expect(cmd.message).toContain('`acme`');
      expect(cmd.usage).toContain('/crm connect [me]');
    }
  });

  it('a typo suggests the command', () => {
    const cmd = parseCrmCommand('conect me');
    expect(cmd.kind === 'error' && cmd.message).toContain('/crm connect');
  });

  it('help lists connect and disconnect', () => {
    const help = JSON.stringify(buildHelpMessage().blocks);
    expect(help).toContain('/crm connect me');
    expect(help).toContain('/crm disconnect me');
  });
});
