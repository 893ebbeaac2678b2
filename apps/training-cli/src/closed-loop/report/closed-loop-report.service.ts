import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { parseCalendarDate } from '@app/learner';
import { CHART_FONT, chartFontFiles, renderPngs } from '../../cli/chart-renderer';
import { CLOSED_LOOP_FILES, forEachLine, parseDecisionLine, parseOutcomeLine } from '@app/contract';
import { CYCLES_DEFAULTS, CyclesService } from '../cycles/cycles.service';
import { OPE_DEFAULTS, OpeService } from '../ope/ope.service';
import { PROMOTE_DEFAULTS, PromoteService } from '../promote/promote.service';
import { PlatformTruth } from '../platform/platform-writer';
import {
  COMMITTED_STORIES,
  PLATFORM_DEFAULTS,
  PlatformService,
} from '../platform/platform.service';
import { RETRAIN_DEFAULTS, RetrainService } from '../retrain/retrain.service';
import { Lift } from '../uplift/uplift';
import { UPLIFT_DEFAULTS, UpliftService } from '../uplift/uplift.service';
import {
  COVERAGE_POLICY,
  LOGGING_POLICY,
  policyConfig,
  REPORT_POLICIES,
  ReportPolicy,
} from '../cycles/closed-loop-policies';
import { OpeCoverageService } from './ope-coverage.service';
import { refusal } from '../promote/refusal';
import { closedLoopMarkdown, WEEKLY_CHART_FILE, weeklyRateChart } from './closed-loop-markdown';
import {
  ClosedLoopReportOptions,
  ClosedLoopResults,
  CoverageRun,
  OpeEstimates,
  PolicyResult,
  PolicyTruth,
} from './closed-loop-results';

export const REPORT_FILE = 'closed_loop.md';

/** The defaults write the committed report. */
export const CLOSED_LOOP_REPORT_DEFAULTS: ClosedLoopReportOptions = {
  config: 'config/config.json',
  modelsDir: 'models',
  workDir: 'data/closed-loop',
  reportsDir: 'reports',
  users: 2000,
  days: 28,
  seed: 42,
  coverageSeeds: 20,
  coverageUsers: 1000,
  coverageDays: 14,
  stories: COMMITTED_STORIES,
  opeCoverageSeeds: 20,
  opeCoverageUsers: 3000,
  cycleSeeds: 5,
  cycles: 2,
};

/** The runs say nothing: the report is what they are for. */
const QUIET = (): void => undefined;

const logsOf = (dir: string) => ({
  decisions: join(dir, CLOSED_LOOP_FILES.decisions),
  outcomes: join(dir, CLOSED_LOOP_FILES.outcomes),
});

/**
 * Share of learner-days with at least one action, for each whole week of a run, over the
 * learners the policy serves (the held-out ones left out, as in every value): read from the
 * decisions log (who is held out) and the outcomes log (every action of every learner).
 */
async function weeklyActionRates(
  logs: { readonly decisions: string; readonly outcomes: string },
  days: number,
  start: string,
): Promise<number[]> {
  const first = parseCalendarDate(start)!;
  const weeks = Math.floor(days / 7);
  const served = new Set<string>();
  await forEachLine(logs.decisions, (text, line) => {
    const { record } = parseDecisionLine(text, `${logs.decisions} line ${line}`);
    if (!record.assignment.holdout) served.add(record.user_id);
  });
  // Served learners active on each day of the whole weeks, by day since the start.
  const active = Array.from({ length: weeks * 7 }, () => new Set<string>());
  await forEachLine(logs.outcomes, (text, line) => {
    const { record, day } = parseOutcomeLine(text, `${logs.outcomes} line ${line}`);
    if (served.has(record.user_id)) active[day - first]?.add(record.user_id);
  });
  const counts = new Array<number>(weeks).fill(0);
  active.forEach((learners, day) => (counts[Math.floor(day / 7)] += learners.size));
  return counts.map((count) => count / (served.size * 7));
}

/** What the report shows of a run's truth.json. */
function policyTruth(truth: PlatformTruth): PolicyTruth {
  const served = truth.decisions - truth.holdout_decisions;
  return {
    value: truth.policy_value as number,
    noNudgeValue: truth.no_nudge_value as number,
    lift: truth.policy_lift as number,
    nudgesPerDecision: truth.delivered_nudges / served,
    mutedLearners: truth.muted_learners,
  };
}

/**
 * Everything closed_loop.md shows, from seeded runs of the closed-loop services with their
 * commands' defaults: the logging policy's logs; uplift on them against the true lift; models
 * retrained from them; each policy simulated for its true value and weekly action rate, and
 * estimated off-policy from the logging policy's logs; and the uplift interval's coverage of the
 * true lift over many seeds.
 */
@Injectable()
export class ClosedLoopReportService {
  constructor(
    private readonly platform: PlatformService,
    private readonly uplift: UpliftService,
    private readonly retrain: RetrainService,
    private readonly ope: OpeService,
    private readonly opeCoverage: OpeCoverageService,
    private readonly promoter: PromoteService,
    private readonly cycles: CyclesService,
  ) {}

  /** Runs everything, then writes closed_loop.md and its chart; resolves with the report's path. */
  async write(options: ClosedLoopReportOptions, say: (line: string) => void): Promise<string> {
    const results = await this.run(options, say);
    await mkdir(options.reportsDir, { recursive: true });
    const [png] = await renderPngs([weeklyRateChart(results)], {
      family: CHART_FONT,
      files: chartFontFiles(),
    });
    await writeFile(join(options.reportsDir, WEEKLY_CHART_FILE), png);
    const path = join(options.reportsDir, REPORT_FILE);
    await writeFile(path, closedLoopMarkdown(results));
    return path;
  }

  async run(
    options: ClosedLoopReportOptions,
    say: (line: string) => void,
  ): Promise<ClosedLoopResults> {
    const work = options.workDir;
    await mkdir(work, { recursive: true });
    const base = JSON.parse(await readFile(options.config, 'utf8')) as Record<string, unknown>;
    // Each policy's config written once, where every run of it reads it.
    const configFile = (policy: ReportPolicy): string => join(work, `${policy.key}.config.json`);
    for (const policy of [LOGGING_POLICY, COVERAGE_POLICY, ...REPORT_POLICIES]) {
      await writeFile(
        configFile(policy),
        `${JSON.stringify(policyConfig(base, policy), null, 2)}\n`,
      );
    }
    const retrainedModels = join(work, 'retrained-models');
    const modelsFor = (policy: ReportPolicy): string =>
      policy.models === 'deployed'
        ? options.modelsDir
        : policy.models === 'retrained'
          ? retrainedModels
          : join(work, 'no-models');
    const simulate = (
      policy: ReportPolicy,
      outDir: string,
      users = options.users,
      days = options.days,
      seed = options.seed,
    ): Promise<PlatformTruth> =>
      this.platform.simulate(
        {
          ...PLATFORM_DEFAULTS,
          users,
          days,
          seed,
          config: configFile(policy),
          modelsDir: modelsFor(policy),
          outDir,
        },
        QUIET,
      );
    const uplift = async (dir: string, policy: ReportPolicy): Promise<Lift> => {
      const request = { ...UPLIFT_DEFAULTS, ...logsOf(dir), config: configFile(policy) };
      return (await this.uplift.measure(request, QUIET)).absolute_lift;
    };

    say('the logging policy');
    const loggingDir = join(work, 'logging');
    const loggingTruth = await simulate(LOGGING_POLICY, loggingDir);
    const measured = await uplift(loggingDir, LOGGING_POLICY);
    const logs = logsOf(loggingDir);

    say('retraining from the logs');
    const retraining = await this.retrain.train(
      {
        ...RETRAIN_DEFAULTS,
        ...logs,
        modelsDir: retrainedModels,
        baselineModelsDir: options.modelsDir,
      },
      QUIET,
    );

    // The retrained propensity set against the deployed one, on the logs it was trained on:
    // promote judges it as it would be served, on a copy, so the deployed folder is never touched.
    const deployedCopy = join(work, 'deployed-copy');
    await rm(deployedCopy, { recursive: true, force: true });
    await cp(options.modelsDir, deployedCopy, { recursive: true });
    const retrainedPromotion = await this.promoter
      .promote(
        {
          ...OPE_DEFAULTS,
          ...logs,
          candidate: retrainedModels,
          current: deployedCopy,
          config: configFile(REPORT_POLICIES.find((p) => p.key === 'ours')!),
          minGain: PROMOTE_DEFAULTS.minGain,
          loggingConfig: configFile(LOGGING_POLICY),
          loggingModelsDir: options.modelsDir,
        },
        QUIET,
      )
      .then(
        ({ decision }) => `${decision.promoted ? 'promoted' : 'refused'}: ${decision.reason}`,
        (error: unknown) => `refused: ${refusal(error)}`,
      );

    const policies: PolicyResult[] = [];
    for (const policy of REPORT_POLICIES) {
      say(policy.label);
      const dir = join(work, policy.key);
      const truth = await simulate(policy, dir);
      const ope = await this.ope
        .evaluate(
          {
            ...OPE_DEFAULTS,
            ...logs,
            config: configFile(policy),
            modelsDir: modelsFor(policy),
            loggingConfig: configFile(LOGGING_POLICY),
            loggingModelsDir: modelsFor(LOGGING_POLICY),
          },
          QUIET,
        )
        .then(
          ({ report }): OpeEstimates => report,
          // A candidate the logs cannot speak for is a finding of the report, not a failure of it.
          (error: unknown) => ({ refused: refusal(error) }),
        );
      policies.push({
        policy,
        truth: policyTruth(truth),
        weeklyRates: await weeklyActionRates(logsOf(dir), options.days, PLATFORM_DEFAULTS.start),
        ope,
      });
    }

    const coverage: CoverageRun[] = [];
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
      const report = await this.uplift.measure(
        { ...UPLIFT_DEFAULTS, ...logsOf(dir), config: configFile(COVERAGE_POLICY) },
        QUIET,
      );
      coverage.push({
        seed,
        trueLift: truth.absolute_lift,
        measured: report.absolute_lift,
        cuped: report.cuped,
      });
    }

    const opeCoverage = await this.opeCoverage.run(
      {
        base,
        modelsDir: options.modelsDir,
        workDir: work,
        stories: options.stories,
        seeds: options.opeCoverageSeeds,
        users: options.opeCoverageUsers,
      },
      say,
    );

    const cycleRuns = await this.cycles.run(
      {
        base,
        modelsDir: options.modelsDir,
        workDir: join(work, 'cycles'),
        stories: [PLATFORM_DEFAULTS.story],
        seeds: options.cycleSeeds,
        cycles: options.cycles,
        users: options.users,
        days: options.days,
        epsilon: CYCLES_DEFAULTS.epsilon,
        trueEffects: false,
      },
      say,
    );

    return {
      options,
      opeCoverage,
      retrainedPromotion,
      cycleRuns,
      logging: {
        trueLift: loggingTruth.absolute_lift,
        measured,
        value: loggingTruth.policy_value as number,
      },
      policies,
      coverage,
      // Without its wall time, so the same flags write the same report.
      retraining: retraining
        .join('\n')
        .trim()
        .replace(/ in [\d.]+ s$/m, ''),
    };
  }
}
