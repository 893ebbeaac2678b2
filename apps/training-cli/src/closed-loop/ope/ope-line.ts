import { DecisionRecord, DeliveredNudge, ValidRequest, validDecisionRequest } from '@app/contract';
import {
  EngineState,
  explorationPropensity,
  learnerFacts,
  policyVersion,
  ranksAlike,
  requestRanking,
  RequestSlatePolicy,
  Slate,
  SlatePolicy,
  slatePolicy,
  slateProbability,
  variantConfig,
} from '@app/engagement';
import { CalendarDay, NUDGE_TYPES, NudgeType, stableSort } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { SlateWeightings, slateCells, slateWeight } from './slate-weights';
import { SupportNote, supportNote } from './support';

/**
 * One decision of the log as `ope` weighs it, on its own: the logging policy replayed on its
 * request (and checked against what the line logged), the candidate and the baseline asked what
 * they would have done, and the slate that was sent weighed for each. A thread that reads a unit
 * of the log weighs its lines; the partition pass (ope-tally.ts) joins them with outcomes.
 */

/** The three policies `ope` weighs: the one that made the logs, the candidate, the baseline. */
export interface OpePolicies {
  readonly logging: EngineState;
  readonly candidate: EngineState;
  /** Undefined: the baseline is the logging policy itself. */
  readonly baseline: EngineState | undefined;
  /** How the logging policy is named in errors: its flags. */
  readonly loggingName: string;
}

/** The delivered nudges in slot order; slots must run 1, 2, … without a gap. */
function deliveredBySlot(record: DecisionRecord, where: string): DeliveredNudge[] {
  const bySlot = stableSort([...record.delivered], (a, b) => a.slot - b.slot);
  bySlot.forEach((nudge, i) => {
    if (nudge.slot !== i + 1) {
      throw new CliUsageError(
        `${where}: delivered: has no nudge in slot ${i + 1} but one in slot ${nudge.slot}; a slate fills its slots in order`,
      );
    }
  });
  return bySlot;
}

/** The candidate's answer needs the request the logging policy answered. */
function requireRequest(decision: DecisionRecord, day: CalendarDay, where: string): ValidRequest {
  const valid = validDecisionRequest(decision, day, where);
  if (valid === undefined) {
    throw new CliUsageError(
      `${where}: request: missing; ope asks the logging and candidate policies what they would have done for the request this decision answered, so every decision not held out must log it`,
    );
  }
  return valid;
}

const SAME = 1e-9;

/**
 * The log's integrity: the decision was made by the logging policy ope was given (its
 * policy_version), and that policy, replayed on the request, gives the logged slate the logged
 * propensities (`delivered` in slot order, `slate` their types). Otherwise every weight would
 * be computed against the wrong policy.
 */
function checkLogging(
  record: DecisionRecord,
  delivered: readonly DeliveredNudge[],
  slate: Slate,
  logging: RequestSlatePolicy,
  policies: OpePolicies,
  where: string,
): void {
  const { config, models } = policies.logging;
  const expected = policyVersion(
    models?.version ?? null,
    variantConfig(config, record.assignment).hash,
    record.assignment,
  );
  if (record.policy_version !== expected) {
    throw new CliUsageError(
      `${where}: policy_version: ${JSON.stringify(record.policy_version)}, but the logging policy (${policies.loggingName}) would log ${JSON.stringify(expected)}; ope replays the policy that made the logs to know every slate it could have sent, so pass the config and models that made them`,
    );
  }
  const left = [...logging.ranked];
  for (const nudge of delivered) {
    const index = left.indexOf(nudge.type);
    const replayed =
      index < 0 || nudge.slot > logging.slots
        ? 0
        : explorationPropensity(index, left.length + 1, logging.epsilon);
    if (Math.abs(replayed - nudge.propensity) > SAME) {
      throw new CliUsageError(
        `${where}: delivered[slot ${nudge.slot}].propensity: logged ${nudge.propensity}, but the logging policy (${policies.loggingName}) gives ${replayed} (exploration_epsilon ${logging.epsilon}, ${left.length} nudges left and stopping); the propensities must be the ones the logging policy drew with`,
      );
    }
    left.splice(index, 1);
  }
  const logged = record.slate_propensity;
  const replayed = slateProbability(logging, slate);
  if (logged !== undefined ? Math.abs(logged - replayed) > SAME : replayed === 0) {
    throw new CliUsageError(
      `${where}: slate_propensity: logged ${logged ?? 'none'}, but the logging policy (${policies.loggingName}) gives ${replayed} for sending ${slate.length === 0 ? 'nothing' : slate.join(', ')}`,
    );
  }
}

/** A policy's weight of the logged slate at one decision, and the policy there. */
export interface Weighed {
  /** Unclipped. */
  readonly weight: number;
  readonly policy: SlatePolicy;
}

/** A decision not held out, weighed. */
export interface WeighedDecision {
  /** The model features of the learner at the decision, as the engine computed them. */
  readonly features: Float64Array;
  /** The logged slate's cells, one per nudge sent. */
  readonly cells: readonly number[];
  /** The logging policy at the decision: the candidate's and the baseline's weights are against it. */
  readonly logging: SlatePolicy;
  readonly candidate: Weighed;
  readonly baseline: Weighed;
  /** Whether the candidate's choice read the delivery history. */
  readonly historyMatters: boolean;
  /** What of each policy's probability the logs do not support here, if any. */
  readonly support: { readonly candidate?: SupportNote; readonly baseline?: SupportNote };
}

/** Which of the candidate and the baseline rank as the logging policy does: found once each. */
interface SharedRankings {
  readonly candidate: boolean;
  readonly baseline: boolean;
}
const sharedRankings = new WeakMap<OpePolicies, SharedRankings>();
function sharedRankingsOf(policies: OpePolicies): SharedRankings {
  let shared = sharedRankings.get(policies);
  if (shared === undefined) {
    shared = {
      candidate: ranksAlike(policies.logging, policies.candidate),
      baseline: policies.baseline !== undefined && ranksAlike(policies.logging, policies.baseline),
    };
    sharedRankings.set(policies, shared);
  }
  return shared;
}

/**
 * Weighs a decision not held out (`where` names its line in errors): any line the logging policy
 * could not have made, or that lacks its request, is a usage error. `weightings` remembers the
 * weighting of each pair of policies met. The features are encoded into `features` when given
 * (encodeFeatures), for a caller done with them before it weighs the next decision.
 */
export function weighDecision(
  record: DecisionRecord,
  day: CalendarDay,
  where: string,
  policies: OpePolicies,
  weightings: SlateWeightings,
  features?: Float64Array,
): WeighedDecision {
  const valid = requireRequest(record, day, where);
  const delivered = deliveredBySlot(record, where);
  const slate = delivered.map((nudge) => nudge.type);
  const facts = learnerFacts(valid, features);
  // A candidate that differs from the logging policy only in its slots or ε (the common case)
  // ranks as it does: the ranking, most of a policy's cost, is made once.
  const shared = sharedRankingsOf(policies);
  const ranking = requestRanking(valid, policies.logging, facts);
  const logging = slatePolicy(valid, policies.logging, facts, ranking);
  checkLogging(record, delivered, slate, logging, policies, where);
  const candidate = slatePolicy(
    valid,
    policies.candidate,
    facts,
    shared.candidate ? ranking : undefined,
  );
  const baseline =
    policies.baseline === undefined
      ? logging
      : slatePolicy(valid, policies.baseline, facts, shared.baseline ? ranking : undefined);
  const forCandidate = weightings.of(logging, candidate);
  const forBaseline = weightings.of(logging, baseline);
  const candidateNote = supportNote(forCandidate, logging);
  const baselineNote = supportNote(forBaseline, logging);
  return {
    features: facts.features(),
    cells: slateCells(slate, slate.length),
    logging,
    candidate: { weight: slateWeight(forCandidate, slate), policy: candidate },
    baseline: { weight: slateWeight(forBaseline, slate), policy: baseline },
    historyMatters: candidate.historyMatters,
    support: {
      ...(candidateNote === undefined ? {} : { candidate: candidateNote }),
      ...(baselineNote === undefined ? {} : { baseline: baselineNote }),
    },
  };
}

/** A weighed decision as its partition record keeps it: see WeighedWriter. */
export type WeighedJson = [
  /** The features, then the candidate's and the baseline's weights: see WeighedWriter. */
  numbers: string,
  cells: number[],
  /** The policies at the decision, a key each: the tally works out their cell probabilities. */
  loggingPolicy: string,
  candidatePolicy: string,
  baselinePolicy: string,
  historyMatters: 0 | 1,
  candidateSupport: SupportNote | null,
  baselineSupport: SupportNote | null,
];

function policyOfKey(key: string): SlatePolicy {
  const [ranked, slots, epsilon] = key.split('/');
  return {
    ranked: ranked === '' ? [] : (ranked.split(',') as NudgeType[]),
    slots: Number(slots),
    epsilon: Number(epsilon),
  };
}

/**
 * A policy's cell probabilities above 0 against the logging policy, as (cell, probability,
 * cell, …) in cell order, from the two policies' keys: worked out once per pair met.
 */
export class CellProbabilities {
  private readonly weightings = new SlateWeightings();
  /** By the logging policy's key, then the other's: no pair's key is built per decision. */
  private readonly known = new Map<string, Map<string, readonly number[]>>();

  /** The same list (by identity) for the same pair of keys. */
  of(loggingKey: string, key: string): readonly number[] {
    let against = this.known.get(loggingKey);
    if (against === undefined) {
      this.known.set(loggingKey, (against = new Map<string, readonly number[]>()));
    }
    let cells = against.get(key);
    if (cells === undefined) {
      const weighting = this.weightings.of(policyOfKey(loggingKey), policyOfKey(key));
      const list: number[] = [];
      weighting.marginals.forEach((probability, cell) => {
        if (probability > 0) list.push(cell, probability);
      });
      against.set(key, (cells = list));
    }
    return cells;
  }
}

/** A type's place in NUDGE_TYPES, from 1: a ranking's types are numbered in base TYPE_BASE. */
const TYPE_NUMBER = new Map<NudgeType, number>(NUDGE_TYPES.map((type, i) => [type, i + 1]));
const TYPE_BASE = NUDGE_TYPES.length + 1;

const supportText = (note: SupportNote | undefined): string =>
  note === undefined ? 'null' : JSON.stringify(note);

/**
 * Writes weighed decisions as JSON text (a WeighedJson), one thread's at a time: its numbers (the
 * features, then the candidate's and the baseline's weights, unclipped) as their doubles' bytes
 * in base64, exact and a third of their decimal length, with no double printed or, in the tally,
 * parsed; each policy as a key, its ranked types joined by commas, its slots and its ε
 * (`resume,quiz/2/0.2`), which names the policy rather than listing its cell probabilities (up to
 * 36 numbers), worked out once per pair of policies the tally meets (CellProbabilities). The
 * texts of rankings and of ε are kept as made (a log has few of either), and none of the record's
 * parts, which need no escaping, goes through JSON.stringify: each call of it costs more than
 * the part's text.
 */
export class WeighedWriter {
  private readonly numbers: Float64Array;
  private readonly bytes: Buffer;
  /** Pass this vector to weighDecision: its features are then in place. */
  readonly features: Float64Array;
  private readonly rankedTexts = new Map<number, string>();
  private readonly epsilonTexts = new Map<number, string>();

  constructor(private readonly featureCount: number) {
    this.numbers = new Float64Array(featureCount + 2);
    this.bytes = Buffer.from(this.numbers.buffer);
    this.features = this.numbers.subarray(0, featureCount);
  }

  text(decision: WeighedDecision): string {
    const { features, logging, candidate, baseline, support } = decision;
    if (features !== this.features) this.features.set(features);
    this.numbers[this.featureCount] = candidate.weight;
    this.numbers[this.featureCount + 1] = baseline.weight;
    const loggingKey = this.keyOf(logging);
    const keyOf = (policy: SlatePolicy) => (policy === logging ? loggingKey : this.keyOf(policy));
    const cells = decision.cells.length === 0 ? '[]' : `[${decision.cells.join(',')}]`;
    return `["${this.bytes.toString('base64')}",${cells},${loggingKey},${keyOf(candidate.policy)},${keyOf(baseline.policy)},${decision.historyMatters ? 1 : 0},${supportText(support.candidate)},${supportText(support.baseline)}]`;
  }

  /** A policy's key as a JSON string: types, whole numbers and a number's text need no escaping. */
  private keyOf({ ranked, slots, epsilon }: SlatePolicy): string {
    let code = 0;
    for (const type of ranked) code = code * TYPE_BASE + TYPE_NUMBER.get(type)!;
    let rankedText = this.rankedTexts.get(code);
    if (rankedText === undefined) this.rankedTexts.set(code, (rankedText = ranked.join(',')));
    let epsilonText = this.epsilonTexts.get(epsilon);
    if (epsilonText === undefined) this.epsilonTexts.set(epsilon, (epsilonText = String(epsilon)));
    return `"${rankedText}/${slots}/${epsilonText}"`;
  }
}

/**
 * Reads the numbers of WeighedJson records into `into` (as long as the features and the two
 * weights): each record's base64 is decoded straight into its memory, with no buffer made per
 * record. The bytes are the doubles as WeighedWriter wrote them, on this machine.
 */
export function numbersReader(into: Float64Array): (base64: string) => void {
  const bytes = Buffer.from(into.buffer, into.byteOffset, into.byteLength);
  return (base64) => {
    const length = Buffer.byteLength(base64, 'base64');
    if (length !== bytes.length) {
      throw new Error(`a record's numbers are ${length} bytes, not ${bytes.length}`);
    }
    bytes.write(base64, 'base64');
  };
}
