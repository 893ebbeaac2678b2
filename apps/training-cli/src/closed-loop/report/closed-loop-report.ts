import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCalendarDate } from '@app/learner';
import { forEachLine, parseOutcomeLine } from '../decision-log';
import { DEFAULT_START } from '../platform/platform.service';
import {
  COVERAGE_POLICY,
  LOGGING_POLICY,
  policyConfig,
  REPORT_POLICIES,
  ReportPolicy,
} from './closed-loop-policies';

/** The built CLI this module is part of: the report runs its commands as a data engineer would. */
const CLI_MAIN = join(__dirname, '../../main.js');

export interface ClosedLoopReportOptions {
  readonly config: string;
  readonly modelsDir: string;
  readonly workDir: string;
  readonly reportsDir: string;
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  readonly coverageSeeds: number;
  readonly coverageUsers: number;
  readonly coverageDays: number;
}

export type Interval = { readonly estimate: number; readonly ci95: readonly [number, number] };
type OpeValue = { readonly value: number; readonly ci95: readonly [number, number] };

export interface PolicyResult {
  readonly policy: ReportPolicy;
  /** The simulated truth: mean reward per decision when this policy runs. */
  readonly value: number;
  /** Share of learner-days with at least one action, week by week. */
  readonly weeklyRates: readonly number[];
  /** The estimates from the logging policy's logs, or why `ope` refused to make them. */
  readonly ope: OpeEstimates | { readonly refused: string };
}

export interface OpeEstimates {
  readonly ips: OpeValue;
  readonly snips: OpeValue;
  readonly dr: OpeValue;
}

/**
 * The last line of a failed command's message: the error itself, without the warnings before
 * it or the file and line it starts with.
 */
function lastLine(message: string): string {
  const lines = message.trim().split('\n');
  return lines[lines.length - 1].replace(/^error: /, '').replace(/^\S+ line \d+: /, '');
}

export interface ClosedLoopResults {
  readonly options: ClosedLoopReportOptions;
  readonly logging: {
    readonly trueLift: number;
    readonly measured: Interval;
    readonly value: number;
  };
  readonly policies: readonly PolicyResult[];
  readonly coverage: readonly { seed: number; trueLift: number; measured: Interval }[];
  /** The `train --from-log` summary, as printed. */
  readonly retraining: string;
}

/** Runs a command of the built CLI; resolves with its standard output. */
function runCli(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`training-cli ${args[0]} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

const logsOf = (dir: string) => ({
  decisions: join(dir, 'decisions.ndjson'),
  outcomes: join(dir, 'outcomes.ndjson'),
});

async function truthOf(dir: string): Promise<{ absolute_lift: number; policy_value: number }> {
  return JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as {
    absolute_lift: number;
    policy_value: number;
  };
}

/**
 * Share of learner-days with at least one action, for each whole week of a run: read from the
 * outcomes log, which lists every action of every learner, held out or not.
 */
async function weeklyActionRates(
  outcomes: string,
  users: number,
  days: number,
  start: string,
): Promise<number[]> {
  const first = parseCalendarDate(start)!;
  const weeks = Math.floor(days / 7);
  // Learners active on each day of the whole weeks, by day since the start.
  const active = Array.from({ length: weeks * 7 }, () => new Set<string>());
  await forEachLine(outcomes, (text, line) => {
    const { record, day } = parseOutcomeLine(text, `${outcomes} line ${line}`);
    active[day - first]?.add(record.user_id);
  });
  const counts = new Array<number>(weeks).fill(0);
  active.forEach((learners, day) => (counts[Math.floor(day / 7)] += learners.size));
  return counts.map((count) => count / (users * 7));
}

/**
 * Everything the report shows, from seeded runs: the logging policy's logs; uplift on them
 * against the true lift; models retrained from them; each policy simulated for its true value
 * and weekly action rate, and estimated off-policy from the logging policy's logs; and the
 * uplift interval's coverage of the true lift over many seeds.
 */
export async function runClosedLoop(
  options: ClosedLoopReportOptions,
  say: (line: string) => void,
): Promise<ClosedLoopResults> {
  const work = options.workDir;
  await mkdir(work, { recursive: true });
  const base = JSON.parse(await readFile(options.config, 'utf8')) as Record<string, unknown>;
  // Each policy's config written once, where every command it runs in reads it.
  const configFile = (policy: ReportPolicy): string => join(work, `${policy.key}.config.json`);
  for (const policy of [LOGGING_POLICY, COVERAGE_POLICY, ...REPORT_POLICIES]) {
    await writeFile(configFile(policy), `${JSON.stringify(policyConfig(base, policy), null, 2)}\n`);
  }
  const retrainedModels = join(work, 'retrained-models');
  const modelsFor = (policy: ReportPolicy): string =>
    policy.models === 'deployed'
      ? options.modelsDir
      : policy.models === 'retrained'
        ? retrainedModels
        : join(work, 'no-models');
  const simulate = async (
    policy: ReportPolicy,
    outDir: string,
    users = options.users,
    days = options.days,
    seed = options.seed,
  ) => {
    await runCli([
      'simulate-platform',
      '--users',
      String(users),
      '--days',
      String(days),
      '--seed',
      String(seed),
      '--config',
      configFile(policy),
      '--models-dir',
      modelsFor(policy),
      '--out-dir',
      outDir,
    ]);
    return truthOf(outDir);
  };
  const uplift = async (dir: string, policy: ReportPolicy): Promise<Interval> => {
    const { decisions, outcomes } = logsOf(dir);
    const { stdout } = await runCli([
      'uplift',
      '--decisions',
      decisions,
      '--outcomes',
      outcomes,
      '--config',
      configFile(policy),
      '--json',
    ]);
    const report = JSON.parse(stdout) as { absolute_lift: Interval };
    return report.absolute_lift;
  };

  say('the logging policy');
  const loggingDir = join(work, 'logging');
  const loggingTruth = await simulate(LOGGING_POLICY, loggingDir);
  const measured = await uplift(loggingDir, LOGGING_POLICY);
  const logs = logsOf(loggingDir);

  say('retraining from the logs');
  const { stdout: retraining } = await runCli([
    'train',
    '--from-log',
    '--decisions',
    logs.decisions,
    '--outcomes',
    logs.outcomes,
    '--models-dir',
    retrainedModels,
    '--baseline-models-dir',
    options.modelsDir,
  ]);

  const policies: PolicyResult[] = [];
  for (const policy of REPORT_POLICIES) {
    say(policy.label);
    const dir = join(work, policy.key);
    const truth = await simulate(policy, dir);
    const ope = await runCli([
      'ope',
      '--decisions',
      logs.decisions,
      '--outcomes',
      logs.outcomes,
      '--config',
      configFile(policy),
      '--models-dir',
      modelsFor(policy),
      '--json',
    ]).then(
      ({ stdout }) => JSON.parse(stdout) as OpeEstimates,
      // A candidate the logs cannot speak for is a finding of the report, not a failure of it.
      (error: Error) => ({ refused: lastLine(error.message) }),
    );
    policies.push({
      policy,
      value: truth.policy_value,
      weeklyRates: await weeklyActionRates(
        logsOf(dir).outcomes,
        options.users,
        options.days,
        DEFAULT_START,
      ),
      ope,
    });
  }

  const coverage: { seed: number; trueLift: number; measured: Interval }[] = [];
  for (let seed = 1; seed <= options.coverageSeeds; seed++) {
    say(`coverage, seed ${seed} of ${options.coverageSeeds}`);
    const dir = join(work, 'coverage');
    const truth = await simulate(
      COVERAGE_POLICY,
      dir,
      options.coverageUsers,
      options.coverageDays,
      seed,
    );
    coverage.push({
      seed,
      trueLift: truth.absolute_lift,
      measured: await uplift(dir, COVERAGE_POLICY),
    });
  }

  return {
    options,
    logging: { trueLift: loggingTruth.absolute_lift, measured, value: loggingTruth.policy_value },
    policies,
    coverage,
    // Without its wall time, so the same flags write the same report.
    retraining: retraining.trim().replace(/ in [\d.]+ s$/m, ''),
  };
}
