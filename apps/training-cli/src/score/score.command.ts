import { availableParallelism, constants } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { ANALYSIS_VIEWS, AnalysisView } from '@app/contract';
import type { DecisionLogRequest } from '@app/engagement';
import { CalendarDay, parseCalendarDate, todayUtc } from '@app/learner';
import { CliCommand } from '../cli/cli-command';
import {
  OPTIONS,
  PARSE_OPTION,
  parseChoice,
  parseFilePath,
  parseInteger,
} from '../cli/cli-options';
import { ProgressService } from '../cli/progress.service';
import {
  InterruptedError,
  ScoreOptions,
  ScoreService,
  ScoreStoppedError,
  ScoreSummary,
} from './score.service';
import { parseShard, Shard } from '../cli/shard-option';

const MAX_WORKERS = 64;
const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** Past this a line could not become one string in a scoring thread (V8's limit is ~512 MiB). */
const MAX_LINE_BYTES = 1 << 28;
/** `--decisions-request`'s choices, as the API's DECISION_LOG_REQUEST. */
const DECISIONS_REQUEST: readonly DecisionLogRequest[] = ['full', 'features', 'none'];
/** What stops a run from outside; either leaves `--out` as it was. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

@Command({
  name: 'score',
  description:
    'score learners offline with the API engine: NDJSON requests in (one per line), NDJSON answers out in the same order; a bad line answers {"line", "error"}',
})
export class ScoreCommand extends CliCommand {
  constructor(
    private readonly scoring: ScoreService,
    private readonly progress: ProgressService,
  ) {
    super();
  }

  async run(
    _args: string[],
    options: Omit<ScoreOptions, 'asOf' | 'signal'> & { asOf?: CalendarDay },
  ): Promise<void> {
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => stop.abort(new InterruptedError(signal));
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    let summary: ScoreSummary;
    try {
      summary = await this.scoring.score({
        ...options,
        asOf: options.asOf ?? todayUtc(),
        signal: stop.signal,
      });
    } catch (error) {
      if (!(error instanceof ScoreStoppedError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      // As a shell reports a process killed by the signal: 128 + its number.
      const cause: unknown = error.cause;
      process.exitCode =
        cause instanceof InterruptedError ? 128 + constants.signals[cause.signal] : 1;
      return;
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
    const rate = Math.round(summary.lines / summary.seconds);
    const models =
      summary.modelVersion === null
        ? 'rules only (no models loaded)'
        : `models ${summary.modelVersion}`;
    this.progress.summary(
      `score${options.shard === undefined ? '' : ` shard ${options.shard.index}/${options.shard.count}`}: ${summary.lines} lines → ${options.out} (${summary.errors} errors) in ${summary.seconds.toFixed(1)} s, ${rate} lines/s, ${options.workers} workers, ${models}`,
    );
  }

  @Option({ flags: '--in <path>', description: 'NDJSON file of analysis requests', required: true })
  parseIn(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--out <path>',
    description:
      'NDJSON file to write the answers to; it appears only when complete (written as <path>.<pid>.partial, then renamed)',
    required: true,
  })
  parseOut(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--workers <count>',
    description: `scoring threads, 1 to ${MAX_WORKERS}`,
    defaultValue: Math.min(availableParallelism(), MAX_WORKERS),
  })
  parseWorkers(value: string): number {
    return parseInteger(value, 1, MAX_WORKERS);
  }

  @Option({
    flags: '--max-line-bytes <bytes>',
    description: `a longer line (line ending aside) is answered {"line", "error"} with a 413, unread; 1 to ${MAX_LINE_BYTES}`,
    defaultValue: DEFAULT_MAX_LINE_BYTES,
  })
  parseMaxLineBytes(value: string): number {
    return parseInteger(value, 1, MAX_LINE_BYTES);
  }

  @Option({
    flags: '--as-of <date>',
    description: 'YYYY-MM-DD for requests without their own as_of (default: today, UTC)',
  })
  parseAsOf(value: string): CalendarDay {
    const day = parseCalendarDate(value);
    if (day === null) throw new InvalidArgumentError('Expected a calendar date as YYYY-MM-DD.');
    return day;
  }

  @Option({
    flags: '--config <path>',
    description: 'engine config',
    defaultValue: 'config/config.json',
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--shard <i/n>',
    description:
      'score only shard I of N (0-based): the lines starting in its N-th of the bytes; the N outputs concatenated in order are the whole output',
  })
  parseShard(value: string): Shard {
    return parseShard(value);
  }

  @Option({
    flags: '--decisions-out <path>',
    description:
      'also write the decisions log (docs/closed-loop.md), a line per answered line, as the API does with DECISION_LOG; it appears only when complete, as --out does',
  })
  parseDecisionsOut(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--decisions-request <keep>',
    description: `how much of each request a decision's line keeps: ${DECISIONS_REQUEST.join(', ')} (as DECISION_LOG_REQUEST)`,
    defaultValue: 'full',
  })
  parseDecisionsRequest(value: string): DecisionLogRequest {
    return parseChoice(value, DECISIONS_REQUEST);
  }

  @Option({
    flags: '--view <view>',
    description: `how much of each answer is written: ${ANALYSIS_VIEWS.join(', ')} (as the API's ?view=; compact leaves out reasons, evidence, candidates, suppressed nudges and the FOMO score)`,
    defaultValue: 'full',
  })
  parseView(value: string): AnalysisView {
    return parseChoice(value, ANALYSIS_VIEWS);
  }

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }
}
