import { CalendarDay } from '@app/learner';
import {
  EngagementAnalysis,
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
}

function failure(line: number, error: object): ScoredLine {
  return { output: JSON.stringify({ line, error }), failed: true };
}

/**
 * One NDJSON line in, one out: the analysis the API would answer, or `{"line", "error"}` with
 * the same problem details the API's 400 carries. `asOf` applies to requests without their own.
 */
export function scoreLine(
  text: string,
  line: number,
  asOf: CalendarDay,
  analyze: Analyze,
): ScoredLine {
  if (text.trim() === '') {
    return failure(line, problem(400, 'line is empty; expected a JSON object'));
  }
  const parsed = parseJsonDocument(text, 'line');
  if (!parsed.ok) return failure(line, problem(400, parsed.message));
  const valid = validateAnalyzeRequest(parsed.value, asOf);
  if (!valid.ok) return failure(line, invalidRequestProblem(valid.errors));
  return { output: JSON.stringify(analyze(valid.value)), failed: false };
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
