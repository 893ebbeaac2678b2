import { CliUsageError } from './cli-errors';
import { plural } from './format';
import { ONE_SHARD } from './learner-partitions';
import { ProgressService } from './progress.service';
import { Shard } from './shard-option';
import { writeTextFile } from './text-file-writer';

/** The flags of a command that can run as one shard of a sharded run. */
export interface ShardFlags {
  readonly shard?: Shard;
  readonly partial?: string;
}

/** What a shard's run says of itself: its decisions, and the lines of the log it read. */
export interface ShardCount {
  readonly decisions: number;
  readonly decisionLines: number;
}

/**
 * How a command that can run as one shard (`uplift`, `ope`) runs. Without `--partial` it
 * reports, and `--shard` alone is refused; with it, a report's flag (the first of `reportFlags`
 * given) is refused, as `combine` makes the report, and `write` tallies the shard into the
 * partial, said in one summary line.
 */
export async function runShardable(
  command: string,
  options: ShardFlags,
  reportFlags: readonly (string | false)[],
  steps: {
    readonly report: () => Promise<void>;
    readonly write: (shard: Shard, partial: string) => Promise<ShardCount>;
  },
  progress: ProgressService,
): Promise<void> {
  if (options.partial === undefined) {
    if (options.shard !== undefined) {
      throw new CliUsageError(
        '--shard: give --partial FILE too: a shard writes a partial for combine',
      );
    }
    return steps.report();
  }
  const reportFlag = reportFlags.find((flag) => flag !== false);
  if (reportFlag !== undefined) {
    throw new CliUsageError(`${reportFlag}: give it to combine: a partial has no report`);
  }
  const shard = options.shard ?? ONE_SHARD;
  const started = performance.now();
  const count = await steps.write(shard, options.partial);
  const seconds = (performance.now() - started) / 1000;
  progress.summary(
    `${command} shard ${shard.index}/${shard.count}: ${plural(count.decisions, 'decision')} of the log's ${plural(count.decisionLines, 'line')} in ${seconds.toFixed(1)} s -> ${options.partial}`,
  );
}

/** Writes a shard's partial (its JSON) to `path`; a file it cannot write is a usage error. */
export async function writePartialFile(path: string, json: string): Promise<void> {
  try {
    await writeTextFile(path, (out) => out.write(`${json}\n`));
  } catch (error) {
    throw new CliUsageError(`--partial ${path}: cannot write it (${(error as Error).message})`);
  }
}
