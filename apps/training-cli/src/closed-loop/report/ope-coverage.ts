import { Estimate, Estimator, OpeReport } from '../ope/ope';
import { ReportPolicy } from '../cycles/closed-loop-policies';

/**
 * The off-policy coverage runs: on 1-day runs (no history, so the logs show every context a
 * candidate would meet) of an ε = 0.2 logging policy, is each candidate's simulated value inside
 * the learner-level 95% intervals of SNIPS and DR in most seeds, on stories with different
 * heterogeneity? A candidate the logs cannot speak for must be refused, with its reason.
 */

/** The logging policy of the coverage runs: ours, exploring with ε = 0.2, 10% held out. */
export const OPE_LOGGING_POLICY: ReportPolicy = {
  key: 'ope-logging',
  label: 'ours with ε = 0.2 and a 10% holdout (writes the logs)',
  overrides: {
    assignment: { holdout_percent: 10 },
    policy: { exploration_epsilon: 0.2 },
  },
  models: 'deployed',
};

/**
 * Candidates that really differ from the logging policy, each greedy as a shipped config would
 * be, each with the logging policy's holdout, so that truth and estimates average over the same
 * served learners.
 */
export const OPE_CANDIDATES: readonly ReportPolicy[] = [
  {
    key: 'other-priorities',
    label: 'other priorities: quizzes and projects first',
    overrides: {
      assignment: { holdout_percent: 10 },
      priority_labels: {
        resume: 'low',
        project: 'high',
        event_fomo: 'medium',
        quiz: 'high',
        comeback: 'low',
      },
    },
    models: 'deployed',
  },
  {
    key: 'one-slot',
    label: 'max_nudges 1',
    overrides: { assignment: { holdout_percent: 10 }, max_nudges: 1 },
    models: 'deployed',
  },
  {
    key: 'no-quiz',
    label: 'quiz switched off',
    overrides: {
      assignment: { holdout_percent: 10 },
      policy: { disabled_types: ['quiz'] },
    },
    models: 'deployed',
  },
];

/** The estimators whose coverage is judged. */
export const JUDGED: readonly Estimator[] = ['snips', 'dr'];

/** Of this many seeds, at least COVERAGE_TARGET must cover. */
export const COVERAGE_TARGET = 17 / 20;

/** One candidate on one seed of one story. */
export interface CoverageRun {
  readonly story: string;
  readonly seed: number;
  readonly candidate: string;
  /** The candidate's simulated value on the same learners. */
  readonly truth: number;
  /** Its estimates, or why `ope` refused to make them. */
  readonly estimates:
    Pick<OpeReport, 'ips' | 'snips' | 'dr' | 'diagnostics'> | { readonly refused: string };
}

export const covers = ({ ci95: [low, high] }: Estimate, truth: number): boolean =>
  low <= truth && truth <= high;

/** One story's and one candidate's verdict over the seeds. */
export interface CoverageCell {
  readonly story: string;
  readonly candidate: string;
  readonly runs: number;
  readonly refused: number;
  /** Runs whose interval covered the truth, per estimator. */
  readonly covered: Readonly<Record<Estimator, number>>;
  /** Mean interval width, per estimator, over the runs not refused. */
  readonly width: Readonly<Record<Estimator, number>>;
  readonly meanTruth: number;
  /** Whether every judged estimator covered in COVERAGE_TARGET of the runs, refusals counting. */
  readonly met: boolean;
}

/** The verdicts, story by story and candidate by candidate, in the order they ran. */
export function coverageCells(runs: readonly CoverageRun[]): CoverageCell[] {
  const groups = new Map<string, CoverageRun[]>();
  for (const run of runs) {
    const key = `${run.story}\u0000${run.candidate}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const estimated = group.flatMap((run) =>
      'refused' in run.estimates ? [] : [{ truth: run.truth, estimates: run.estimates }],
    );
    const per = (f: (estimate: Estimate, truth: number) => number) =>
      Object.fromEntries(
        (['ips', 'snips', 'dr'] as const).map((estimator) => [
          estimator,
          estimated.reduce((sum, run) => sum + f(run.estimates[estimator], run.truth), 0),
        ]),
      ) as Record<Estimator, number>;
    const covered = per((estimate, truth) => (covers(estimate, truth) ? 1 : 0));
    const widths = per(({ ci95: [low, high] }) => high - low);
    const refused = group.length - estimated.length;
    const width = Object.fromEntries(
      Object.entries(widths).map(([k, v]) => [
        k,
        estimated.length === 0 ? NaN : v / estimated.length,
      ]),
    ) as Record<Estimator, number>;
    return {
      story: group[0].story,
      candidate: group[0].candidate,
      runs: group.length,
      refused,
      covered,
      width,
      meanTruth: group.reduce((sum, run) => sum + run.truth, 0) / group.length,
      met: JUDGED.every(
        (estimator) => covered[estimator] + refused >= Math.ceil(COVERAGE_TARGET * group.length),
      ),
    };
  });
}
