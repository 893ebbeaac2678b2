import { EVD, Matrix } from 'ml-matrix';
import { forEachSlate, Slate, SlatePolicy } from '@app/engagement';
import { NUDGE_TYPES, NudgeType } from '@app/learner';

/**
 * Slate weights by the pseudo-inverse estimator (Swaminathan et al. 2017, "Off-policy
 * evaluation for slate recommendation"). An answer is a slate: up to `slots` nudges in order.
 * Write a slate s as the indicator vector 1_s of its slot-action cells, one cell per (slot, type)
 * and one per slot left empty. If a decision's expected outcome is additive over its cells,
 * E[r | x, s] = φ_xᵀ 1_s, then with Γ = E_μ[1_s 1_sᵀ] and q = E_π[1_s] under the logging policy μ
 * and the candidate π, the weight w(s) = qᵀ Γ† 1_s makes E_μ[w(s)·r] = E_π[r]: the candidate's
 * value. The weight depends on how the two policies place nudges slot by slot, not on whole
 * slates matching, so it stays small where slate-level importance weights (π(s)/μ(s)) explode.
 * For π = μ every logged slate weighs exactly 1.
 */

/** A slot's cells: one per type, then "nothing in this slot". */
export const CELLS_PER_SLOT = NUDGE_TYPES.length + 1;
const EMPTY_CELL = NUDGE_TYPES.length;
const TYPE_CELL = new Map<NudgeType, number>(NUDGE_TYPES.map((type, i) => [type, i]));

/** The cell of slot j (0-based) holding `type`, or left empty. */
export function cellOf(slot: number, type: NudgeType | undefined): number {
  return (
    slot * CELLS_PER_SLOT + (type === undefined ? EMPTY_CELL : (TYPE_CELL.get(type) as number))
  );
}

/** A slate's cells over `slots` slots, the slots after its last nudge empty. */
export function slateCells(slate: Slate, slots: number): number[] {
  // A loop, not Array.from: ope asks this of every decision.
  const cells: number[] = [];
  for (let j = 0; j < slots; j++) cells.push(cellOf(j, slate[j]));
  return cells;
}

/** What in the candidate's slates the logging policy never does. */
export interface SupportGap {
  /** 0-based slot. */
  readonly slot: number;
  /** The type the candidate puts there, or undefined for leaving the slot empty. */
  readonly type: NudgeType | undefined;
}

/** The logging and candidate policies of one decision, weighed against each other. */
export interface SlateWeighting {
  /** Slots the cells cover: the larger of the two policies' open slots, at least 1. */
  readonly slots: number;
  /** Γ† q: a logged slate's weight is the sum of its cells' coefficients. */
  readonly coefficients: Float64Array;
  /** q: the candidate's probability of each cell. */
  readonly marginals: Float64Array;
  /** The candidate's probability of slates with a cell the logging policy never fills. */
  readonly unsupported: number;
  /** The first such cell. */
  readonly gap?: SupportGap;
  /**
   * Whether the candidate's cell probabilities lie outside what the logged slates can
   * combine to (q not in Γ's range): then no weighting reproduces the candidate.
   */
  readonly unidentified: boolean;
}

/** Below this share of Γ's largest eigenvalue an eigenvalue counts as 0. */
const EIGEN_TOLERANCE = 1e-10;
/** How far Γ·(Γ† q) may stray from q before q counts as outside Γ's range. */
const RANGE_TOLERANCE = 1e-8;

/** The candidate's cell probabilities, and the share it puts on cells the logs lack. */
function candidateMarginals(
  candidate: SlatePolicy,
  slots: number,
  logged: Float64Array,
): { marginals: Float64Array; unsupported: number; gap?: SupportGap } {
  const marginals = new Float64Array(slots * CELLS_PER_SLOT);
  let unsupported = 0;
  let gap: SupportGap | undefined;
  forEachSlate(candidate, (slate, probability) => {
    let supported = true;
    slateCells(slate, slots).forEach((cell, slot) => {
      marginals[cell] += probability;
      if (logged[cell] > 0 || !supported) return;
      supported = false;
      gap ??= { slot, type: slate[slot] };
    });
    if (!supported) unsupported += probability;
  });
  return { marginals, unsupported, gap };
}

/**
 * The pseudo-inverse weighting of `candidate` against `logging` for one decision. Γ is
 * restricted to the cells the logging policy fills (the others are all-zero rows), and inverted
 * by its eigendecomposition: Γ is symmetric and positive semi-definite.
 */
export function slateWeighting(logging: SlatePolicy, candidate: SlatePolicy): SlateWeighting {
  const slots = Math.max(1, logging.slots, candidate.slots);
  const size = slots * CELLS_PER_SLOT;
  const gram = new Float64Array(size * size);
  const logged = new Float64Array(size);
  forEachSlate(logging, (slate, probability) => {
    const cells = slateCells(slate, slots);
    for (const a of cells) {
      logged[a] += probability;
      for (const b of cells) gram[a * size + b] += probability;
    }
  });
  const { marginals, unsupported, gap } = candidateMarginals(candidate, slots, logged);
  const active = [...logged.keys()].filter((cell) => logged[cell] > 0);
  const restricted = new Matrix(active.map((a) => active.map((b) => gram[a * size + b])));
  const { realEigenvalues: values, eigenvectorMatrix: vectors } = new EVD(restricted, {
    assumeSymmetric: true,
  });
  const largest = Math.max(...values);
  const q = active.map((cell) => marginals[cell]);
  // c = V Λ⁺ Vᵀ q, one eigenvector at a time.
  const c = new Float64Array(active.length);
  values.forEach((value, k) => {
    if (value <= largest * EIGEN_TOLERANCE) return;
    let projection = 0;
    for (let i = 0; i < active.length; i++) projection += vectors.get(i, k) * q[i];
    for (let i = 0; i < active.length; i++) c[i] += (vectors.get(i, k) * projection) / value;
  });
  let residual = 0;
  for (let i = 0; i < active.length; i++) {
    let row = 0;
    for (let j = 0; j < active.length; j++) row += restricted.get(i, j) * c[j];
    residual = Math.max(residual, Math.abs(row - q[i]));
  }
  const coefficients = new Float64Array(size);
  active.forEach((cell, i) => (coefficients[cell] = c[i]));
  return {
    slots,
    coefficients,
    marginals,
    unsupported,
    ...(gap === undefined ? {} : { gap }),
    // Mass on cells the logs lack is already counted as unsupported.
    unidentified: unsupported === 0 && residual > RANGE_TOLERANCE,
  };
}

/** A logged slate's weight: the sum of its cells' coefficients. */
export function slateWeight(weighting: SlateWeighting, slate: Slate): number {
  let weight = 0;
  for (const cell of slateCells(slate, weighting.slots)) weight += weighting.coefficients[cell];
  return weight;
}

/** Above any policy's open slots: they are at most max_nudges, at most one per type. */
const SLOT_BOUND = NUDGE_TYPES.length + 1;
/** Above any ranking's number and slots together: a ranking names each type at most once. */
const RANKING_BOUND = CELLS_PER_SLOT ** NUDGE_TYPES.length * SLOT_BOUND;

/**
 * slateWeighting, remembered per pair of policies: a log has many decisions but few distinct
 * rankings, and the eigendecomposition is the costly part. A policy is looked up by a number, as
 * it is asked for twice on every decision of a log and a string key cost more than the rest of
 * the weighing.
 */
export class SlateWeightings {
  private readonly known = new Map<number, Map<number, SlateWeighting>>();
  /** Each ε seen, numbered in the order seen. */
  private readonly epsilons = new Map<number, number>();

  of(logging: SlatePolicy, candidate: SlatePolicy): SlateWeighting {
    const loggingKey = this.keyOf(logging);
    let forLogging = this.known.get(loggingKey);
    if (forLogging === undefined) {
      this.known.set(loggingKey, (forLogging = new Map<number, SlateWeighting>()));
    }
    const candidateKey = this.keyOf(candidate);
    let weighting = forLogging.get(candidateKey);
    if (weighting === undefined) {
      weighting = slateWeighting(logging, candidate);
      forLogging.set(candidateKey, weighting);
    }
    return weighting;
  }

  /**
   * The ranked types as digits in base CELLS_PER_SLOT (a type's cell in the first slot, plus 1
   * so that no type is a leading 0), then the slots, then the ε's number: one number per policy,
   * and another for every policy that differs.
   */
  private keyOf({ ranked, slots, epsilon }: SlatePolicy): number {
    let key = 0;
    for (const type of ranked) key = key * CELLS_PER_SLOT + cellOf(0, type) + 1;
    let epsilonNumber = this.epsilons.get(epsilon);
    if (epsilonNumber === undefined) {
      this.epsilons.set(epsilon, (epsilonNumber = this.epsilons.size));
    }
    return epsilonNumber * RANKING_BOUND + key * SLOT_BOUND + slots;
  }
}
