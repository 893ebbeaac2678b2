/**
 * An arm's learners as sums. The rate, its delta-method variance, CUPED's θ and the variant
 * lifts are all functions of these few sums, and sums merge by adding: a shard of the learners
 * gives its arm's sums, and the sums of all shards are the sums of the whole log. So `uplift`
 * keeps no learner once it is counted, and a sharded run combines to the one-process result.
 */

/** One learner's decisions and how many of them an action followed. */
export interface LearnerTally {
  readonly decisions: number;
  readonly acted: number;
}

/** A learner's tally and their covariate: the pre-period action rate, null without a pre-period. */
export interface CovariateTally extends LearnerTally {
  readonly covariate?: number | null;
}

/** A learner's tally, pre-period covariate and group. */
export interface GroupedTally extends CovariateTally {
  readonly group: string;
}

/**
 * Sums over an arm's learners of a (acted), d (decisions) and their products, and of the
 * covariate z over the learners that have one. Counts and their products are integers, exact in
 * a double up to 2⁵³, so only the covariate's sums round.
 */
export interface ArmMoments {
  learners: number;
  decisions: number;
  acted: number;
  /** Σd². */
  decisionSquares: number;
  /** Σa². */
  actedSquares: number;
  /** Σa·d. */
  actedDecisions: number;
  /** Learners with a covariate, and over them Σz, Σz², Σa·z, Σd·z, Σa and Σd. */
  covariates: number;
  covariateSum: number;
  covariateSquares: number;
  actedCovariate: number;
  decisionsCovariate: number;
  covariateActed: number;
  covariateDecisions: number;
}

export const MOMENT_KEYS = [
  'learners',
  'decisions',
  'acted',
  'decisionSquares',
  'actedSquares',
  'actedDecisions',
  'covariates',
  'covariateSum',
  'covariateSquares',
  'actedCovariate',
  'decisionsCovariate',
  'covariateActed',
  'covariateDecisions',
] as const satisfies readonly (keyof ArmMoments)[];

export function emptyMoments(): ArmMoments {
  return Object.fromEntries(MOMENT_KEYS.map((key) => [key, 0])) as unknown as ArmMoments;
}

/** Counts one learner into the arm's sums. */
export function addLearner(
  into: ArmMoments,
  { acted, decisions, covariate }: CovariateTally,
): void {
  into.learners++;
  into.decisions += decisions;
  into.acted += acted;
  into.decisionSquares += decisions * decisions;
  into.actedSquares += acted * acted;
  into.actedDecisions += acted * decisions;
  if (covariate == null) return;
  into.covariates++;
  into.covariateSum += covariate;
  into.covariateSquares += covariate * covariate;
  into.actedCovariate += acted * covariate;
  into.decisionsCovariate += decisions * covariate;
  into.covariateActed += acted;
  into.covariateDecisions += decisions;
}

/** Adds `from`'s sums to `into`'s: the arm of both sets of learners. */
export function addMoments(into: ArmMoments, from: ArmMoments): void {
  for (const key of MOMENT_KEYS) into[key] += from[key];
}

/** The sums of these learners. */
export function momentsOf(learners: readonly CovariateTally[]): ArmMoments {
  const moments = emptyMoments();
  for (const learner of learners) addLearner(moments, learner);
  return moments;
}

/** The sums of several arms together. */
export function mergedMoments(arms: readonly ArmMoments[]): ArmMoments {
  const moments = emptyMoments();
  for (const arm of arms) addMoments(moments, arm);
  return moments;
}
