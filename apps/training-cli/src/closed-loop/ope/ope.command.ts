import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { ConfigError, EngineConfig, loadEngineConfig } from '@app/engagement';
import { loadModelSet, ModelSet } from '@app/ml';
import { plural } from '../../cli/format';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import {
  DEFAULT_OPTIONS,
  OPTIONS,
  PARSE_OPTION,
  parseFilePath,
  parseInteger,
} from '../../cli/cli-options';
import { requireLogFile } from '../../cli/log-file';
import { CLOSED_LOOP_FILES } from '../decision-log';
import { Estimate, opeReport, OpeReport, percent, requireSupport } from './ope';
import { readOpeLogs } from './ope-logs';

export interface OpeOptions {
  readonly decisions: string;
  readonly outcomes: string;
  readonly config: string;
  readonly modelsDir: string;
  readonly clip: number;
  readonly rewardDays: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly json?: boolean;
}

const MAX_REWARD_DAYS = 365;
const MIN_RESAMPLES = 100;
const MAX_RESAMPLES = 100_000;
const DEFAULT_CLIP = 10;
const DEFAULT_SEED = 1;
const DECIMAL = /^\d+(\.\d+)?$/;

/** A weight cap below 1 would cut even the weight of a choice both policies make alike. */
export function parseClip(value: string): number {
  const clip = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(clip) || clip < 1) {
    throw new InvalidArgumentError('Expected a number of at least 1.');
  }
  return clip;
}

function loadConfig(path: string): EngineConfig {
  try {
    return loadEngineConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

/** As the API does, a model set that does not load leaves the candidate on rules alone. */
async function loadModels(dir: string): Promise<ModelSet | undefined> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    process.stderr.write(
      `warning: --models-dir ${dir}: ${(error as Error).message}; the candidate runs on rules only, and the reward model is each type's mean logged reward\n`,
    );
    return undefined;
  }
}

const fixed = (value: number): string => value.toFixed(4);

/** Columns padded to their widest cell: the estimator's name to the left, numbers to the right. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  '),
  );
}

const estimateCells = (name: string, { value, ci95 }: Estimate): string[] => [
  name,
  fixed(value),
  `${fixed(ci95[0])} to ${fixed(ci95[1])}`,
];

/** The report as a person reads it: what is estimated, the estimators' table, then the weights. */
export function opeText(report: OpeReport, candidate: string): string[] {
  const days = report.reward_days;
  return [
    `value of the candidate policy ${candidate}: its mean reward per decision, a reward being the top nudge's action done within ${plural(days, 'day')} (the decision's day${days > 1 ? ` and the ${plural(days - 1, 'day')} after` : ''})`,
    '',
    ...table([
      ['estimator', 'value', '95% CI'],
      estimateCells('IPS', report.ips),
      estimateCells('SNIPS', report.snips),
      estimateCells('DR', report.dr),
    ]),
    '',
    `logging policy: ${fixed(report.logged_value)} (the mean logged reward)`,
    `decisions: ${report.decisions} not held out (${plural(report.held_out, 'held-out decision')} left out); mean weight ${report.mean_weight.toFixed(3)}, ${percent(report.clipped_share)} clipped at ${report.clip}; ${percent(report.unsupported_share)} without support`,
    `95% CIs: percentiles of ${report.bootstrap} bootstrap resamples of the decisions, seed ${report.seed}`,
  ];
}

/**
 * `ope`: what a candidate policy (a config and a model set) would have earned on the decisions
 * another policy made, from the decisions and outcomes logs (docs/closed-loop.md). Any problem in
 * the logs, the config, or the logs' support for the candidate is a usage error naming the file
 * and line, and nothing is printed but the error.
 */
@Command({
  name: 'ope',
  description:
    "estimate a candidate policy's value from logs another policy made (off-policy evaluation): IPS, SNIPS and doubly robust estimates of its mean reward per decision, with bootstrap 95% CIs",
})
export class OpeCommand extends CliCommand {
  async run(_args: string[], options: OpeOptions): Promise<void> {
    const config = loadConfig(options.config);
    await requireLogFile(options.decisions, '--decisions');
    await requireLogFile(options.outcomes, '--outcomes');
    const models = await loadModels(options.modelsDir);
    const log = await readOpeLogs(options, { config, models }, options.rewardDays);
    const unsupportedShare = requireSupport(log.support, log.decisions.length, options.decisions);
    const report = opeReport(log.decisions, log.heldOut, unsupportedShare, {
      clip: options.clip,
      rewardDays: options.rewardDays,
      resamples: options.bootstrap,
      seed: options.seed,
    });
    const candidate = `${options.config} (${models === undefined ? 'rules only' : `models ${models.version}`})`;
    const output = options.json === true ? [JSON.stringify(report)] : opeText(report, candidate);
    process.stdout.write(`${output.join('\n')}\n`);
  }

  @Option({
    flags: '--decisions <path>',
    description: 'the decisions log (NDJSON, one decision per line, with its request)',
    defaultValue: join(DEFAULT_OPTIONS.dataDir, CLOSED_LOOP_FILES.decisions),
  })
  parseDecisions(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--outcomes <path>',
    description: 'the outcomes log (NDJSON, one action per line)',
    defaultValue: join(DEFAULT_OPTIONS.dataDir, CLOSED_LOOP_FILES.outcomes),
  })
  parseOutcomes(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--config <path>',
    description: "the candidate policy's engine config",
    required: true,
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({ ...OPTIONS.modelsDir, description: "the candidate policy's models and manifest.json" })
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({
    flags: '--clip <weight>',
    description: 'the largest importance weight π/μ a decision gets, at least 1',
    defaultValue: DEFAULT_CLIP,
  })
  parseClip(value: string): number {
    return parseClip(value);
  }

  @Option({
    flags: '--reward-days <days>',
    description: `days after a decision (its own day included) the top nudge's action earns its reward, 1 to ${MAX_REWARD_DAYS}`,
    defaultValue: 1,
  })
  parseRewardDays(value: string): number {
    return parseInteger(value, 1, MAX_REWARD_DAYS);
  }

  @Option({
    flags: '--bootstrap <resamples>',
    description: `bootstrap resamples for the 95% CIs, ${MIN_RESAMPLES} to ${MAX_RESAMPLES}`,
    defaultValue: 1000,
  })
  parseBootstrap(value: string): number {
    return parseInteger(value, MIN_RESAMPLES, MAX_RESAMPLES);
  }

  @Option({
    ...OPTIONS.seed,
    description: 'seed of the bootstrap draws',
    defaultValue: DEFAULT_SEED,
  })
  parseSeed(value: string): number {
    return PARSE_OPTION.seed(value);
  }

  @Option({ flags: '--json', description: 'print the report as one JSON object' })
  parseJson(): boolean {
    return true;
  }
}
