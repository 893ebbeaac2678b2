import { percent, plural, table, withSign } from '../../cli/format';
import { Estimate, Estimator, OpeReport } from '../ope/ope';
import { opeWarnings } from '../ope/ope-text';

/**
 * The estimator that decides: DR, cross-fitted. Its reward model takes most of the outcome's
 * variance off the weighted term, so its paired interval is usually the narrowest of the three,
 * and the direct term keeps it honest where the weights are few. IPS and SNIPS are reported
 * beside it.
 */
export const DECIDING_ESTIMATOR: Estimator = 'dr';

const NAMES: Readonly<Record<Estimator, string>> = { ips: 'IPS', snips: 'SNIPS', dr: 'DR' };

/** A number with its sign, `−` for negatives, at 4 decimals: how differences are printed. */
export const signed = (value: number): string => withSign(value, 4);

const interval = ([low, high]: readonly [number, number]) => `${signed(low)} to ${signed(high)}`;

export interface Decision {
  readonly promoted: boolean;
  /** One sentence with the numbers; the printed line is `promote: promoted|refused: <reason>`. */
  readonly reason: string;
}

/**
 * The rule: promote only when the lower end of the 95% interval of DR's difference (candidate −
 * current) exceeds `minGain`, in outcome per decision. A lower end equal to it refuses.
 */
export function decide(
  difference: Readonly<Record<Estimator, Estimate>>,
  minGain: number,
): Decision {
  const { value, ci95 } = difference[DECIDING_ESTIMATOR];
  const promoted = ci95[0] > minGain;
  const said = `${NAMES[DECIDING_ESTIMATOR]} says candidate − current is ${signed(value)} (95% CI ${interval(ci95)})`;
  return {
    promoted,
    reason: promoted
      ? `${said}; the lower end exceeds ${signed(minGain)} (--min-gain)`
      : `${said}; the lower end must exceed ${signed(minGain)} (--min-gain)`,
  };
}

/** Refusing a candidate whose models are the current ones: there is nothing to compare. */
export function sameVersion(version: string): Decision {
  return {
    promoted: false,
    reason: `the candidate's models are the current ones (version ${version}): nothing to promote`,
  };
}

/** The line that ends a run, on stdout when promoted, as the refusal's message otherwise. */
export const decisionLine = (decision: Decision): string =>
  `promote: ${decision.promoted ? 'promoted' : 'refused'}: ${decision.reason}`;

/** What a promotion was decided on, as the flags named it, and no clock: same flags, same bytes. */
export interface PromotionInputs {
  readonly decisions: string;
  readonly outcomes: string;
  readonly config: string;
  readonly loggingConfig: string;
  /** The logging policy's models: their version, or `rules only`. */
  readonly loggingModels: string;
  readonly minGain: number;
  readonly previousVersion: string;
}

/** `promotion` in the promoted set's manifest.json: the evidence it was promoted on. */
export interface PromotionEvidence {
  readonly estimator: Estimator;
  readonly difference: Estimate;
  readonly min_gain: number;
  readonly decisions: number;
  readonly learners: number;
  readonly logs: { readonly decisions: string; readonly outcomes: string };
  readonly config: string;
  readonly logging_policy: { readonly config: string; readonly models: string };
  readonly ope: {
    readonly clip: number;
    readonly reward_days: number;
    readonly bootstrap: number;
    readonly folds: number;
    readonly seed: number;
  };
  readonly previous_version: string;
}

export function promotionEvidence(report: OpeReport, inputs: PromotionInputs): PromotionEvidence {
  return {
    estimator: DECIDING_ESTIMATOR,
    difference: report.difference[DECIDING_ESTIMATOR],
    min_gain: inputs.minGain,
    decisions: report.decisions,
    learners: report.learners,
    logs: { decisions: inputs.decisions, outcomes: inputs.outcomes },
    config: inputs.config,
    logging_policy: { config: inputs.loggingConfig, models: inputs.loggingModels },
    ope: {
      clip: report.clip,
      reward_days: report.reward_days,
      bootstrap: report.bootstrap,
      folds: report.folds,
      seed: report.seed,
    },
    previous_version: inputs.previousVersion,
  };
}

/** The candidate's manifest with the evidence under `promotion` (replacing any earlier one). */
export function promotedManifest(
  candidate: Readonly<Record<string, unknown>>,
  evidence: PromotionEvidence,
): Record<string, unknown> {
  return { ...candidate, promotion: evidence };
}

/** A set as the summary names it. */
export interface SetName {
  readonly dir: string;
  readonly version: string;
}

/** `--json`: the ope report's difference and diagnostics, and the decision. */
export function promoteJson(
  report: OpeReport | undefined,
  candidate: SetName,
  current: SetName,
  minGain: number,
  decision: Decision,
): object {
  return {
    promoted: decision.promoted,
    reason: decision.reason,
    estimator: DECIDING_ESTIMATOR,
    min_gain: minGain,
    candidate,
    current,
    ...(report === undefined
      ? {}
      : {
          difference: report.difference,
          diagnostics: report.diagnostics,
          decisions: report.decisions,
          learners: report.learners,
          baseline: report.baseline.policy,
        }),
  };
}

/**
 * The summary a person reads, with ope's warnings (few effective decisions, history-dependent
 * choices); the decision line follows it (stdout, or stderr for a refusal).
 */
export function promoteText(
  report: OpeReport,
  candidate: SetName,
  current: SetName,
  minGain: number,
): string[] {
  const d = report.diagnostics;
  const row = (estimator: Estimator) => [
    NAMES[estimator],
    signed(report.difference[estimator].value),
    interval(report.difference[estimator].ci95),
    estimator === DECIDING_ESTIMATOR ? 'decides' : '',
  ];
  return [
    `candidate ${candidate.dir} (models ${candidate.version}) against current ${current.dir} (models ${current.version}): difference in mean outcome per decision, candidate − current`,
    `baseline: ${report.baseline.policy}`,
    '',
    ...table([['estimator', 'difference', '95% CI', ''], row('ips'), row('snips'), row('dr')]).map(
      (line) => line.trimEnd(),
    ),
    '',
    `decisions: ${report.decisions} not held out, from ${plural(report.learners, 'learner')}; weights: effective sample ${d.effective_sample_size.toFixed(0)}, largest ${d.max_weight.toFixed(2)}, ${percent(d.unsupported_share, 1)} without support`,
    `rule: promote when the lower end of DR's 95% CI exceeds ${signed(minGain)} (--min-gain); ${report.bootstrap} bootstrap resamples of learners, seed ${report.seed}`,
    ...opeWarnings(report),
  ];
}
