import { LogLine } from '@app/contract/decision-log';

/**
 * Where each decision of a log is, its file and line, for the messages that name an earlier
 * decision. Decisions come in runs of consecutive lines of one file, broken only where a file
 * begins or a copied line was skipped, so only where each run starts is kept: a log read without
 * a skip costs an entry a file, not one a decision.
 */
export class DecisionLines {
  /** Per run: its first decision's number, and that decision's line. */
  private readonly firstDecision: number[] = [];
  private readonly firstLine: LogLine[] = [];

  /** Adds decision number `decision`, the one after the last added, read on `at`. */
  add(decision: number, at: LogLine): void {
    const run = this.firstLine.length - 1;
    const continues =
      run >= 0 &&
      this.firstLine[run].file === at.file &&
      at.line - this.firstLine[run].line === decision - this.firstDecision[run];
    if (!continues) {
      this.firstDecision.push(decision);
      this.firstLine.push(at);
    }
  }

  /** The line of decision number `decision`, one already added. */
  of(decision: number): LogLine {
    // The last run to start at or before the decision.
    let low = 0;
    let high = this.firstDecision.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.firstDecision[middle] <= decision) low = middle;
      else high = middle - 1;
    }
    const start = this.firstLine[low];
    return { file: start.file, line: start.line + decision - this.firstDecision[low] };
  }
}
