import { isUtf8 } from 'node:buffer';
import { AnalysisView, problem, Utf8Builder } from '@app/contract';
import type { DecisionLogRequest } from '@app/engagement';
import { CalendarDay } from '@app/learner';
import { Analyze, scoreLine } from './score-line';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * A block's answers as UTF-8, each in an ArrayBuffer of its own (safe to transfer): written line
 * by line (see Utf8Builder), never joined into one string.
 */
export interface ScoredBlock {
  readonly output: Uint8Array<ArrayBuffer>;
  /** The decisions log's lines of the answered lines, in order (empty without `keep`). */
  readonly decisions: Uint8Array<ArrayBuffer>;
  readonly lines: number;
  readonly errors: number;
}

/**
 * The lines of a block as strings. A line that is not valid UTF-8 becomes `undefined`, so it
 * answers with an error instead of being silently repaired with replacement characters.
 */
function splitLines(bytes: Uint8Array): (string | undefined)[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: (string | undefined)[] = [];
  const whole = isUtf8(buffer);
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(NEWLINE, start);
    if (end < 0) end = buffer.length;
    const stop = end > start && buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    const line = buffer.subarray(start, stop);
    lines.push(whole || isUtf8(line) ? line.toString('utf8') : undefined);
    start = end + 1;
  }
  return lines;
}

/** Scores every line of a block: one output line per input line, in order. */
export function scoreBlock(
  bytes: Uint8Array,
  first: number,
  asOf: CalendarDay,
  analyze: Analyze,
  keep?: DecisionLogRequest,
  view: AnalysisView = 'full',
): ScoredBlock {
  const lines = splitLines(bytes);
  const output = new Utf8Builder(bytes.byteLength * 2);
  const decisions = new Utf8Builder(keep === undefined ? 0 : bytes.byteLength);
  let errors = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const scored =
      text === undefined
        ? {
            output: JSON.stringify({
              line: first + i,
              error: problem(400, 'line is not valid UTF-8'),
            }),
            failed: true,
          }
        : scoreLine(text, first + i, asOf, analyze, keep, view);
    if (scored.failed) errors++;
    output.append(scored.output);
    output.append('\n');
    if (scored.decision !== undefined) decisions.append(scored.decision);
  }
  return { output: output.take(), decisions: decisions.take(), lines: lines.length, errors };
}
