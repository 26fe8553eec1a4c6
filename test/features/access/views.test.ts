import { describe, expect, it } from 'vitest';
import {
  buildEntryRefusalMessage,
  buildEntryRefusalModal,
  buildPublicReplyRefusal,
  connectMeButton,
  digestRefusalWords,
  entryRefusalWords,
} from '../../../src/features/access/views.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { assertValidMessage, assertValidView } from '../../helpers/block-kit-validator.js';

describe('access views', () => {
  it('say who may use the app, in valid Block Kit', () => {
    expect(entryRefusalWords('external', 'acme')).toBe('This app is available to members of acme only.');
    expect(entryRefusalWords('external', undefined)).toBe(
      'This app is available to members of this workspace only.',
    );
    expect(entryRefusalWords('guest', 'acme')).toBe(
      'Guests can’t use the CRM app in this workspace — ask an admin.',
    );
    assertValidMessage(buildEntryRefusalMessage('external', '<acme & co>'));
    expect(JSON.stringify(buildEntryRefusalMessage('external', '<acme>'))).not.toContain('<acme>');
    assertValidView(buildEntryRefusalModal('guest', 'acme'));
  });

  it('a refused public reply has the Connect button and the whole text back, escaped', () => {
    const text = `<!channel> ${'x'.repeat(1500)} & the end`;
    const messages = buildPublicReplyRefusal({ ticketId: '42', text });
    expect(messages).toHaveLength(1);
    for (const m of messages) assertValidMessage(m);
    const json = JSON.stringify(messages);
    expect(json).toContain(ACTION.connectMe);
    expect(json).toContain('Connect your Agile account');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('the end');
    expect(json).not.toContain('<!channel>');
    expect(connectMeButton().elements[0]).toMatchObject({ action_id: ACTION.connectMe });
  });

  it('a long refused public reply comes back whole, split into sections and messages, never cut', () => {
    const words = Array.from({ length: 2500 }, (_, i) => `w${i}`).join(' ');
    const text = `${words} & the very end`;
    const messages = buildPublicReplyRefusal({ ticketId: '42', text });
    for (const m of messages) assertValidMessage(m);
    expect(messages.length).toBeLessThanOrEqual(5);
    const quoted = messages
      .flatMap((m) => m.blocks)
      .map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''))
      .filter((t) => t.startsWith('```'))
      .map((t) => t.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
      .join('');
    expect(quoted).toBe(text);
  });

  it('a digest refusal says who can', () => {
    expect(digestRefusalWords('complete', 'owner', 'Raj Patel')).toMatch(
      /^Only the task’s owner \(Raj Patel\) can complete this task\. A workspace admin can let every member/,
    );
    expect(digestRefusalWords('snooze', 'owner', undefined)).toMatch(/^Only the task’s owner can snooze/);
    expect(digestRefusalWords('reassign', 'owner_or_admin', 'Raj')).toBe(
      'Only the task’s owner (Raj) or a workspace admin can reassign this task.',
    );
  });
});
