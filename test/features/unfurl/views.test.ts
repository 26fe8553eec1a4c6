import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../../src/devkit/console/block-kit-validator.js';
import { buildUnfurlBlocks, type RecordCard } from '../../../src/features/unfurl/views.js';

const URL = 'https://acme.agilecrm.com/#deal/42';
const text = (card: RecordCard) =>
  buildUnfurlBlocks(card, URL)
    .map((b) => (b.type === 'section' && b.text ? b.text.text : ''))
    .join('\n');

describe('buildUnfurlBlocks', () => {
  it('a deal: linked name, value, milestone, owner, close date', () => {
    const t = text({
      kind: 'deal',
      name: 'Renewal',
      value: 12000.5,
      milestone: 'Proposal',
      owner: 'Ana',
      closeDateSec: 1767225600,
    });
    expect(t).toContain(`<${URL}|Renewal>`);
    expect(t).toContain('Value 12,000.50');
    expect(t).toContain('Milestone *Proposal*');
    expect(t).toContain('Owner Ana');
    expect(t).toContain('<!date^1767225600^');
  });

  it('escapes every CRM string and stays within Block Kit limits', () => {
    const evil = `<!channel> <@U1> <https://evil|x> & ${'x'.repeat(5000)}`;
    const cards: RecordCard[] = [
      { kind: 'contact', name: evil, title: evil, company: evil, email: evil, phone: evil },
      { kind: 'company', name: evil, website: evil, email: evil, phone: evil },
      { kind: 'deal', name: evil, milestone: evil, owner: evil },
      { kind: 'ticket', id: '7', subject: evil, status: evil, requester: evil },
    ];
    for (const card of cards) {
      const t = text(card);
      expect(t).not.toMatch(/<!channel>|<@U1>|<https:\/\/evil/);
      expect(validateMessage({ text: 'preview', blocks: buildUnfurlBlocks(card, URL) })).toEqual([]);
    }
  });

  it('a record without a name still has a title', () => {
    expect(text({ kind: 'contact', name: '' })).toContain('Unnamed contact');
    expect(text({ kind: 'ticket', id: '9', subject: '' })).toContain('Ticket #9');
  });
});
