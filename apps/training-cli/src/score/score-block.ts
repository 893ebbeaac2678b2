import { isUtf8 } from 'node:buffer';
import { AnalysisView, problem, Utf8Builder } from '@app/contract';
import type { DecisionLogRequest } from '@app/engagement/engine';
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
 * Calls `each` with every line of a block as a string, one at a time. A line that is not valid
 * UTF-8 comes as `undefined`, so it answers with an error instead of being silently repaired
 * with replacement characters.
 *
 * Why not split the block into an array first: a block is about a megabyte of lines and takes
 * longer to score than the young generation takes to fill, so every line string still waiting
 * was copied by each scavenge and then promoted (540 KB a scavenge, about 9% of a thread's time
 * in GC pauses). Decoded as it is scored, a line is garbage by the next one.
 */
function forEachLine(
  bytes: Uint8Array,
  each: (line: string | undefined, index: number) => void,
): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole = isUtf8(buffer);
  let start = 0;
  for (let index = 0; start < buffer.length; index++) {
    let end = buffer.indexOf(NEWLINE, start);
    if (end < 0) end = buffer.length;
    const stop = end > start && buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    const line = buffer.subarray(start, stop);
    each(whole || isUtf8(line) ? line.toString('utf8') : undefined, index);
    start = end + 1;
  }
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
  const output = new Utf8Builder(bytes.byteLength * 2);
  const decisions = new Utf8Builder(keep === undefined ? 0 : bytes.byteLength);
  let errors = 0;
  let lines = 0;
  forEachLine(bytes, (text, i) => {
    lines++;
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
    output.appendAscii(NEWLINE);
    if (scored.decision !== undefined) decisions.append(scored.decision);
  });
  return { output: output.take(), decisions: decisions.take(), lines, errors };
}
