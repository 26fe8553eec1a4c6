import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_HEADER, buildAuditCsv, csvCell, toCsv } from '../../../src/features/audit/csv.js';
import type { AuditEntry } from '../../../src/platform/store/index.js';
import { parseCsv } from '../../helpers/csv.js';

describe('csvCell (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1 555', "'+1 555"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
  ])('guards a formula: %j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves a formula character inside a value alone', () => {
    expect(csvCell('a=b+c-d@e')).toBe('a=b+c-d@e');
  });
});

describe('toCsv', () => {
  it('joins cells with commas and rows with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        ['d', ''],
      ]),
    ).toBe('a,"b,c"\r\nd,\r\n');
  });

  it('round-trips any cell through a RFC 4180 reader (after the guard)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), (cells) => {
        const expected = cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c));
        expect(parseCsv(toCsv([cells, cells]))).toEqual([expected, expected]);
      }),
    );
  });
});

describe('buildAuditCsv', () => {
  const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
    id: '1',
    atMs: Date.parse('2030-03-12T18:00:00.123Z'),
    teamId: 'T1',
    slackUserId: 'U1',
    agileUser: 'api@x.example',
    action: 'task.create',
    recordIds: { taskId: '7', contactIds: ['1', '2'] },
    summary: 'Send the quote',
    outcome: 'ok',
    requestId: 'req-9',
    ...over,
  });

  it('has the header, then one row per entry: UTC time, ids, outcome with its error kind', () => {
    const csv = buildAuditCsv(
      [
        entry(),
        entry({ slackUserId: 'U2', outcome: 'unknown', errorKind: 'unavailable', requestId: undefined }),
      ],
      new Map([['U1', 'Ana, from "Sales"']]),
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    expect(lines[1]).toBe(
      '2030-03-12T18:00:00.123Z,U1,"Ana, from ""Sales""",api@x.example,task.create,taskId=7 contactIds=1|2,Send the quote,ok,req-9',
    );
    expect(lines[2]).toBe(
      '2030-03-12T18:00:00.123Z,U2,,api@x.example,task.create,taskId=7 contactIds=1|2,Send the quote,unknown (unavailable),',
    );
    expect(lines[3]).toBe('');
  });

  it('guards a summary a user typed as a formula', () => {
    const csv = buildAuditCsv([entry({ summary: '=cmd|"/c calc"!A1' })], new Map());
    expect(csv).toContain(`"'=cmd|""/c calc""!A1"`);
  });
});
