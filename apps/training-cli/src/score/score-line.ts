import { decisionLineOf, DecisionLogRequest } from '@app/engagement/engine';
import { CalendarDay } from '@app/learner';
import {
  AnalysisView,
  EngagementAnalysis,
  inView,
  invalidRequestProblem,
  parseJsonDocument,
  problem,
  ValidRequest,
  validateAnalyzeRequest,
} from '@app/contract';

/** The one engine call the scorer needs, so a line can be scored without Nest in tests. */
export type Analyze = (request: ValidRequest) => EngagementAnalysis;

export interface ScoredLine {
  readonly output: string;
  readonly failed: boolean;
  /** The decision's line for the decisions log (`--decisions-out`), newline included. */
  readonly decision?: string;
}

function failure(line: number, error: object): ScoredLine {
  return { output: JSON.stringify({ line, error }), failed: true };
}

/**
 * One NDJSON line in, one out: the analysis the API would answer, or `{"line", "error"}` with
 * the same problem details the API's 400 carries. `asOf` applies to requests without their own.
 * With `keep`, an answered line also gives its line of the decisions log, keeping `keep` of the
 * request, as the API's decision log writes it. The answer is in `view`, the decision's line
 * the same in either.
 */
export function scoreLine(
  text: string,
  line: number,
  asOf: CalendarDay,
  analyze: Analyze,
  keep?: DecisionLogRequest,
  view: AnalysisView = 'full',
): ScoredLine {
  if (text.trim() === '') {
    return failure(line, problem(400, 'line is empty; expected a JSON object'));
  }
  const parsed = parseJsonDocument(text, 'line');
  if (!parsed.ok) return failure(line, problem(400, parsed.message));
  const valid = validateAnalyzeRequest(parsed.value, asOf);
  if (!valid.ok) return failure(line, invalidRequestProblem(valid.errors));
  const analysis = analyze(valid.value);
  const output = JSON.stringify(inView(analysis, view));
  if (keep === undefined) return { output, failed: false };
  return { output, failed: false, decision: decisionLineOf(valid.value, analysis, keep) };
}

/**
 * The answer to a line longer than `--max-line-bytes`, which is skipped unread: a 413, as the
 * API answers a body over its limit.
 */
export function tooLongLine(line: number, bytes: number, maxLineBytes: number): ScoredLine {
  return failure(
    line,
    problem(413, `line is ${bytes} bytes, over the limit of ${maxLineBytes} (--max-line-bytes)`),
  );
}

/**
 * The answer to a line that is not valid UTF-8: a 400, rather than the line read with
 * replacement characters.
 */
export function notUtf8Line(line: number): ScoredLine {
  return failure(line, problem(400, 'line is not valid UTF-8'));
}
