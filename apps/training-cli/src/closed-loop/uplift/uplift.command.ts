import { join } from 'node:path';
import { Command, Option } from 'nest-commander';
import { ConfigError, EngineConfig, loadEngineConfig } from '@app/engagement';
import { plural } from '../../cli/format';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import { DEFAULT_OPTIONS, parseFilePath, parseInteger } from '../../cli/cli-options';
import { requireLogFile } from '../../cli/log-file';
import { CLOSED_LOOP_FILES } from '../decision-log';
import { ConfigHashMismatch, readDecisions, readOutcomes, tallyLearners } from './uplift-logs';
import { ArmRow, expectedShares, HOLDOUT, TREATED, UpliftReport, upliftReport } from './uplift';

export interface UpliftOptions {
  readonly decisions: string;
  readonly outcomes: string;
  readonly windowDays: number;
  readonly config: string;
  readonly json?: boolean;
}

const MAX_WINDOW_DAYS = 365;

function loadConfig(path: string): EngineConfig {
  try {
    return loadEngineConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

/** The config hash each group's decisions carry: a variant with overrides has its own config. */
function configHashOf(config: EngineConfig): (group: string) => string | undefined {
  return (group) =>
    group === HOLDOUT || group === TREATED
      ? config.hash
      : config.variants.get(group.replace('=', '/'))?.hash;
}

function hashWarning(mismatch: ConfigHashMismatch, options: UpliftOptions): string {
  return `warning: ${plural(mismatch.decisions, 'decision')} in ${options.decisions} (the first on line ${mismatch.firstLine}) were made under config hash ${mismatch.hash}, not ${options.config}'s ${mismatch.expected}: the expected split may be wrong`;
}

const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;
const signed = (value: number, digits: number): string =>
  `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** Columns padded to their widest cell: the arm's name to the left, numbers to the right. */
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

function armCells(arm: ArmRow): string[] {
  return [
    arm.arm,
    String(arm.learners),
    String(arm.decisions),
    String(arm.acted),
    percent(arm.rate),
    arm.ci95 === null ? 'n/a (1 learner)' : `${percent(arm.ci95[0])} to ${percent(arm.ci95[1])}`,
  ];
}

function pValue(p: number): string {
  return p >= 0.0001 ? p.toFixed(4) : p.toExponential(1);
}

/** The report as a person reads it: the arms' table, then the lifts and the sample ratio test. */
export function upliftText(report: UpliftReport): string[] {
  const days = report.window_days;
  const absolute = report.absolute_lift;
  const relative = report.relative_lift;
  const { chi2, df, p_value, flagged } = report.srm;
  return [
    `action rate: the share of decisions followed by an action of the same learner within ${plural(days, 'day')} (the decision's day${days > 1 ? ` and the ${plural(days - 1, 'day')} after` : ''})`,
    '',
    ...table([
      ['arm', 'learners', 'decisions', 'followed by an action', 'action rate', '95% CI'],
      ...report.arms.map(armCells),
    ]),
    '',
    `absolute lift: ${signed(absolute.estimate * 100, 2)} percentage points (95% CI ${signed(absolute.ci95[0] * 100, 2)} to ${signed(absolute.ci95[1] * 100, 2)})`,
    relative === null
      ? 'relative lift: none (no held-out decision was followed by an action)'
      : `relative lift: ${signed(relative.estimate * 100, 1)}% (95% CI ${signed(relative.ci95[0] * 100, 1)}% to ${signed(relative.ci95[1] * 100, 1)}%)`,
    `sample ratio: χ² = ${chi2.toFixed(2)} with ${plural(df, 'degree')} of freedom, p = ${pValue(p_value)}${flagged ? '  SRM! the arms are not the configured split, so the lift may be biased' : ''}`,
  ];
}

/**
 * `uplift`: whether nudges change what learners do, from a platform's decisions and outcomes
 * logs (docs/closed-loop.md). Any problem in the logs or the config is a usage error naming the
 * file, line and field, and nothing is printed but the error.
 */
@Command({
  name: 'uplift',
  description:
    "measure the lift of nudging from a decisions log and an outcomes log: each arm's action rate within a window, treated against holdout with 95% CIs, and a sample ratio test against the config's split",
})
export class UpliftCommand extends CliCommand {
  async run(_args: string[], options: UpliftOptions): Promise<void> {
    const config = loadConfig(options.config);
    await requireLogFile(options.decisions, '--decisions');
    await requireLogFile(options.outcomes, '--outcomes');
    const { table: decisions, mismatch } = await readDecisions(
      options.decisions,
      configHashOf(config),
    );
    const actionDays = await readOutcomes(options.outcomes, decisions);
    // Said before the report, as it may also explain why the groups do not fit the config.
    if (mismatch !== undefined) process.stderr.write(`${hashWarning(mismatch, options)}\n`);
    const learners = tallyLearners(decisions, actionDays, options.windowDays);
    const report = upliftReport(learners, expectedShares(config.assignment), options.windowDays);
    const output = options.json === true ? [JSON.stringify(report)] : upliftText(report);
    process.stdout.write(`${output.join('\n')}\n`);
  }

  @Option({
    flags: '--decisions <path>',
    description: 'the decisions log (NDJSON, one decision per line)',
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
    flags: '--window-days <days>',
    description: `days after a decision (its own day included) an action counts for it, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: 7,
  })
  parseWindowDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }

  @Option({
    flags: '--config <path>',
    description: 'the engine config the decisions were made with (its split is the expected one)',
    defaultValue: 'config/config.json',
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({ flags: '--json', description: 'print the report as one JSON object' })
  parseJson(): boolean {
    return true;
  }
}
