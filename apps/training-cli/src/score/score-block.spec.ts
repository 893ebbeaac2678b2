import { parseCalendarDate } from '@app/learner';
import { EngagementAnalysis, EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '@app/contract';
import { scoreBlock } from './score-block';

const AS_OF = parseCalendarDate('2025-07-01')!;
const analyze = (): EngagementAnalysis => EXAMPLE_ANALYSIS;
const answer = JSON.stringify(EXAMPLE_ANALYSIS);
const valid = JSON.stringify(EXAMPLE_REQUEST);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe(scoreBlock.name, () => {
  it('answers each line in order, CRLF or LF, with or without a final newline', () => {
    const bytes = Buffer.from(`${valid}\r\n${valid}\n${valid}`);
    const sut = scoreBlock(bytes, 41, AS_OF, analyze);
    expect({ ...sut, output: text(sut.output), decisions: text(sut.decisions) }).toEqual({
      output: `${answer}\n`.repeat(3),
      decisions: '',
      lines: 3,
      errors: 0,
    });
  });

  it('gives the decisions log a line per answered line, keeping as much of the request as asked', () => {
    const bytes = Buffer.from(`${valid}\nnot json\n${valid}\n`);
    const sut = scoreBlock(bytes, 1, AS_OF, analyze, 'features');
    const lines = text(sut.decisions).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line).decision_id)).toEqual([
      EXAMPLE_ANALYSIS.decision_id,
      EXAMPLE_ANALYSIS.decision_id,
    ]);
    expect(lines.map((line) => 'request' in JSON.parse(line))).toEqual([false, false]);
    expect(sut.errors).toBe(1);
  });

  it('answers a line that is not UTF-8 with an error, leaving its neighbours alone', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${valid}\n`),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(`${valid}\n`),
    ]);
    const sut = scoreBlock(bytes, 10, AS_OF, analyze);
    expect(text(sut.output).split('\n')).toEqual([
      answer,
      '{"line":11,"error":{"type":"about:blank","title":"Bad Request","status":400,"detail":"line is not valid UTF-8"}}',
      answer,
      '',
    ]);
    expect(sut.errors).toBe(1);
  });
});
