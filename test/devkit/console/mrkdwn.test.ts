import { describe, expect, it } from 'vitest';
import { mrkdwnToHtml, parseMrkdwn } from '../../../src/devkit/console/public/mrkdwn.js';
import { escapeMrkdwn } from '../../../src/platform/slack/mrkdwn.js';

const users: Record<string, string> = { U0ALICE: 'Alice Moreno' };
const html = (t: string) => mrkdwnToHtml(t, (id) => users[id]);

describe('console mrkdwn renderer', () => {
  it('renders bold, italics, strike, inline code and code blocks', () => {
    expect(html('*Acme* _renewal_ ~old~ `id 42`')).toBe(
      '<b>Acme</b> <i>renewal</i> <s>old</s> <code>id 42</code>',
    );
    expect(html('before\n```\nline <1>\n*not bold*\n```\nafter')).toBe(
      'before<br><pre>line &lt;1&gt;\n*not bold*\n</pre><br>after',
    );
    expect(html('*bold with _italic_ inside*')).toBe('<b>bold with <i>italic</i> inside</b>');
  });

  it('leaves markers inside words and unmatched markers alone', () => {
    expect(html('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
    expect(html('a * b * c')).toBe('a * b * c');
    expect(html('*open only')).toBe('*open only');
  });

  it('renders links, mentions and broadcast badges', () => {
    expect(html('<https://example.com/a?b=1&amp;c=2|the deal>')).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">the deal</a>',
    );
    expect(html('<mailto:ana@acme.com|ana@acme.com>')).toContain('href="mailto:ana@acme.com"');
    expect(html('hi <@U0ALICE> in <#C0SALES|sales>')).toBe(
      'hi <span class="mention">@Alice Moreno</span> in <span class="mention">#sales</span>',
    );
    expect(html('<!here> and <!channel>')).toBe(
      '<span class="badge">@here</span> and <span class="badge">@channel</span>',
    );
    expect(html('*<https://x.test|bold link>*')).toBe(
      '<b><a href="https://x.test" rel="noopener noreferrer" target="_blank">bold link</a></b>',
    );
  });

  it('keeps escaped text escaped: an escaped mention is literal text, never a mention', () => {
    expect(html('&lt;!channel&gt; Eve')).toBe('&lt;!channel&gt; Eve');
    expect(parseMrkdwn('&lt;!channel&gt; Eve')).toEqual([{ type: 'text', text: '<!channel> Eve' }]);
    expect(html(escapeMrkdwn('<@U0ALICE> & <https://evil.test|click>'))).toBe(
      '&lt;@U0ALICE&gt; &amp; &lt;https://evil.test|click&gt;',
    );
  });

  it('never produces HTML from the text itself', () => {
    expect(html('<img src=x onerror=alert(1)>')).toBe('img src=x onerror=alert(1)');
    expect(html('&lt;script&gt;alert("x")&lt;/script&gt;')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
    );
    expect(html('<javascript:alert(1)|click me>')).toBe('click me');
    expect(html('<https://x.test/"onmouseover="y|a>')).toContain(
      'href="https://x.test/&quot;onmouseover=&quot;y"',
    );
  });

  it('renders quotes from a raw > only, and newlines as breaks', () => {
    expect(html('> quoted\nplain')).toBe('<blockquote>quoted</blockquote>plain');
    expect(html('&gt; not a quote')).toBe('&gt; not a quote');
    expect(html('a\nb')).toBe('a<br>b');
  });

  it('handles long texts with many links and mentions', () => {
    const text = Array.from({ length: 300 }, (_, i) => `<@U${i}> *<https://x.test/${i}|d${i}>*`).join(' ');
    const out = html(text);
    expect(out.match(/class="mention"/g)).toHaveLength(300);
    expect(out.match(/<b><a href="https:\/\/x\.test\/\d+"/g)).toHaveLength(300);
    expect(html('a\uE000b <@U0ALICE>')).toBe('ab <span class="mention">@Alice Moreno</span>');
  });

  it('shows known emoji and leaves unknown ones as typed', () => {
    expect(html(':white_check_mark: done :no_such_emoji:')).toBe('✅ done :no_such_emoji:');
  });
});
