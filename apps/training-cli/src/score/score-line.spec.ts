import { formatCalendarDate, parseCalendarDate } from '@app/learner';
import {
  compactAnalysis,
  EngagementAnalysis,
  EXAMPLE_ANALYSIS,
  EXAMPLE_REQUEST,
  ValidRequest,
  INVALID_REQUEST_TYPE,
} from '@app/contract';
import { scoreLine } from './score-line';

const AS_OF = parseCalendarDate('2025-07-01')!;

/** Stands in for the engine: echoes the user and resolved day it was asked about. */
const analyze = ({ request, asOf }: ValidRequest): EngagementAnalysis => ({
  ...EXAMPLE_ANALYSIS,
  user_id: request.user_data.user_id,
  as_of: formatCalendarDate(asOf),
});

describe(scoreLine.name, () => {
  it('answers a valid line with the analysis, keeping its own as_of', () => {
    const sut = scoreLine(JSON.stringify(EXAMPLE_REQUEST), 1, AS_OF, analyze);
    expect(sut).toEqual({ output: JSON.stringify(EXAMPLE_ANALYSIS), failed: false });
  });

  it('writes the compact view with --view compact, and the same decision line as the full view', () => {
    const text = JSON.stringify(EXAMPLE_REQUEST);
    const full = scoreLine(text, 1, AS_OF, analyze, 'full');
    const sut = scoreLine(text, 1, AS_OF, analyze, 'full', 'compact');
    expect(sut).toEqual({
      output: JSON.stringify(compactAnalysis(EXAMPLE_ANALYSIS)),
      failed: false,
      decision: full.decision,
    });
    expect(full.output).toBe(JSON.stringify(EXAMPLE_ANALYSIS));
  });

  it('uses the run as_of for a line without one', () => {
    const withoutAsOf: Partial<typeof EXAMPLE_REQUEST> = { ...EXAMPLE_REQUEST };
    delete withoutAsOf.as_of;
    const sut = scoreLine(JSON.stringify(withoutAsOf), 1, AS_OF, analyze);
    expect(JSON.parse(sut.output)).toEqual({ ...EXAMPLE_ANALYSIS, as_of: '2025-07-01' });
  });

  it.each([
    [
      '',
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'line is empty; expected a JSON object',
      },
    ],
    [
      '{"a":',
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'line is not valid JSON: Unexpected end of JSON input',
      },
    ],
    [
      '{"__proto__":{}}',
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'line is not valid JSON: Object contains forbidden prototype property',
      },
    ],
  ])('answers %p with an error line naming its line number', (text, error) => {
    expect(scoreLine(text, 17, AS_OF, analyze)).toEqual({
      output: JSON.stringify({ line: 17, error }),
      failed: true,
    });
  });

  it('answers an invalid request with the API’s field errors', () => {
    const bad = {
      ...EXAMPLE_REQUEST,
      peer_snapshot: { ...EXAMPLE_REQUEST.peer_snapshot, batch_avg_projects: -1 },
    };
    const sut = scoreLine(JSON.stringify(bad), 3, AS_OF, analyze);
    expect(sut.failed).toBe(true);
    expect(JSON.parse(sut.output)).toEqual({
      line: 3,
      error: {
        type: INVALID_REQUEST_TYPE,
        title: 'Bad Request',
        status: 400,
        detail: 'invalid request: 1 field failed validation',
        errors: [
          {
            path: 'peer_snapshot.batch_avg_projects',
            message: 'peer_snapshot.batch_avg_projects must be a non-negative number',
          },
        ],
      },
    });
  });
});
