import { SeedRun } from '../cycles/cycles';
import { OpeReport } from '../ope/ope';
import { Lift } from '../uplift/uplift';
import { ReportPolicy } from '../cycles/closed-loop-policies';
import { CoverageRun as OpeCoverageRun } from './ope-coverage';

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
  /** The off-policy coverage grid: stories, seeds and learners per 1-day run. */
  readonly stories: readonly string[];
  readonly opeCoverageSeeds: number;
  readonly opeCoverageUsers: number;
  /** The loop, cycle by cycle, on the default story: seeds and months per seed. */
  readonly cycleSeeds: number;
  readonly cycles: number;
}

/** What a policy's run did, from its truth.json. */
export interface PolicyTruth {
  /** Mean outcome per decision over the learners it serves. */
  readonly value: number;
  /** The same learners' mean outcome without nudges. */
  readonly noNudgeValue: number;
  /** value − noNudgeValue. */
  readonly lift: number;
  readonly nudgesPerDecision: number;
  readonly mutedLearners: number;
}

export interface PolicyResult {
  readonly policy: ReportPolicy;
  readonly truth: PolicyTruth;
  /** Share of learner-days with at least one action, week by week. */
  readonly weeklyRates: readonly number[];
  /** The estimates from the logging policy's logs, or why `ope` refused to make them. */
  readonly ope: OpeEstimates | { readonly refused: string };
}

export type OpeEstimates = Pick<OpeReport, 'ips' | 'snips' | 'dr' | 'difference' | 'diagnostics'>;

/** One coverage run: the true lift, and uplift's plain and CUPED estimates of it. */
export interface CoverageRun {
  readonly seed: number;
  readonly trueLift: number;
  readonly measured: Lift;
  /** null when the run's logs have no pre-period. */
  readonly cuped: Lift | null;
}

export interface ClosedLoopResults {
  readonly options: ClosedLoopReportOptions;
  readonly logging: {
    readonly trueLift: number;
    readonly measured: Lift;
    readonly value: number;
  };
  readonly policies: readonly PolicyResult[];
  readonly coverage: readonly CoverageRun[];
  readonly opeCoverage: readonly OpeCoverageRun[];
  /** The `train --from-log` summary, as printed. */
  readonly retraining: string;
  /** promote of the propensity set retrained from the logs, against the deployed one. */
  readonly retrainedPromotion: string;
  readonly cycleRuns: readonly SeedRun[];
}
