import { isUtf8 } from 'node:buffer';
import { AnalysisView, Utf8Builder } from '@app/contract';
import type { DecisionLogRequest } from '@app/engagement/engine';
import { CalendarDay } from '@app/learner';
import { Analyze, notUtf8Line, scoreLine } from './score-line';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** What scoring a block found: its lines, and how many of them were answered with an error. */
export interface BlockTally {
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

/**
 * Scores blocks of lines, one output line per input line, in order, into UTF-8 bytes it keeps
 * for the caller to send (see Utf8Builder): written line by line, never joined into one string,
 * and into the same buffers block after block.
 */
export class BlockScorer {
  /** The answers of the last block scored. */
  readonly output = new Utf8Builder(1 << 20);
  /** The decisions log's lines of its answered lines, in order (empty without `keep`). */
  readonly decisions = new Utf8Builder(1 << 20);

  constructor(
    private readonly asOf: CalendarDay,
    private readonly analyze: Analyze,
    private readonly keep?: DecisionLogRequest,
    private readonly view: AnalysisView = 'full',
  ) {}

  /** Scores every line of `bytes`, `first` being the first's number, replacing the last block's. */
  score(bytes: Uint8Array, first: number): BlockTally {
    const { output, decisions, asOf, analyze, keep, view } = this;
    output.clear();
    decisions.clear();
    let errors = 0;
    let lines = 0;
    forEachLine(bytes, (text, i) => {
      lines++;
      const scored =
        text === undefined
          ? notUtf8Line(first + i)
          : scoreLine(text, first + i, asOf, analyze, keep, view);
      if (scored.failed) errors++;
      output.append(scored.output);
      output.appendAscii(NEWLINE);
      if (scored.decision !== undefined) decisions.append(scored.decision);
    });
    return { lines, errors };
  }
}
