import { Injectable } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';

/** One long step's progress: a bar on a terminal, nothing until the summary line elsewhere. */
export interface ProgressTask {
  increment(step: number): void;
  stop(): void;
}

const SILENT_TASK: ProgressTask = { increment: () => undefined, stop: () => undefined };

/**
 * Where the CLI talks to its user. A bar only helps a person watching a terminal; logs and CI
 * get exactly one summary line per step, so their output stays short and diffable.
 */
@Injectable()
export class ProgressService {
  private readonly interactive = process.stdout.isTTY === true;

  task(label: string, total: number): ProgressTask {
    if (!this.interactive || total <= 0) return SILENT_TASK;
    const bar = new SingleBar(
      {
        format: `${label.padEnd(9)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
        stream: process.stdout,
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      increment: (step) => bar.increment(step),
      stop: () => bar.stop(),
    };
  }

  summary(line: string): void {
    process.stdout.write(`${line}\n`);
  }
}

/** A warning the user should see whatever else is printed, on standard error. */
export function warnOnStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
