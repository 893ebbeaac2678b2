import { parseCalendarDate } from '@app/learner';
import { EngagementAnalysis, EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '@app/contract';
import { BlockScorer } from './score-block';

const AS_OF = parseCalendarDate('2025-07-01')!;
const analyze = (): EngagementAnalysis => EXAMPLE_ANALYSIS;
const answer = JSON.stringify(EXAMPLE_ANALYSIS);
const valid = JSON.stringify(EXAMPLE_REQUEST);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe(BlockScorer.name, () => {
  it('answers each line in order, CRLF or LF, with or without a final newline', () => {
    const bytes = Buffer.from(`${valid}\r\n${valid}\n${valid}`);
    const sut = new BlockScorer(AS_OF, analyze);
    expect(sut.score(bytes, 41)).toEqual({ lines: 3, errors: 0 });
    expect(text(sut.output.view())).toBe(`${answer}\n`.repeat(3));
    expect(text(sut.decisions.view())).toBe('');
  });

  it('gives the decisions log a line per answered line, keeping as much of the request as asked', () => {
    const bytes = Buffer.from(`${valid}\nnot json\n${valid}\n`);
    const sut = new BlockScorer(AS_OF, analyze, 'features');
    expect(sut.score(bytes, 1)).toEqual({ lines: 3, errors: 1 });
    const lines = text(sut.decisions.view()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line).decision_id)).toEqual([
      EXAMPLE_ANALYSIS.decision_id,
      EXAMPLE_ANALYSIS.decision_id,
    ]);
    expect(lines.map((line) => 'request' in JSON.parse(line))).toEqual([false, false]);
  });

  it('answers a line that is not UTF-8 with an error, leaving its neighbours alone', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${valid}\n`),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(`${valid}\n`),
    ]);
    const sut = new BlockScorer(AS_OF, analyze);
    expect(sut.score(bytes, 10)).toEqual({ lines: 3, errors: 1 });
    expect(text(sut.output.view()).split('\n')).toEqual([
      answer,
      '{"line":11,"error":{"type":"about:blank","title":"Bad Request","status":400,"detail":"line is not valid UTF-8"}}',
      answer,
      '',
    ]);
  });

  it('replaces the last block with the next, in the same buffers', () => {
    const sut = new BlockScorer(AS_OF, analyze, 'features');
    sut.score(Buffer.from(`${valid}\n${valid}\n`), 1);
    const buffer = sut.output.view().buffer;
    expect(sut.score(Buffer.from('{}\n'), 3)).toEqual({ lines: 1, errors: 1 });
    expect(JSON.parse(text(sut.output.view())).line).toBe(3);
    expect(sut.output.view().buffer).toBe(buffer);
    expect(text(sut.decisions.view())).toBe('');
  });
});
