import {
  DecisionRecord,
  forEachLogLine,
  lineName,
  parseDecisionLine,
  ValidRequest,
  validDecisionRequest,
} from '@app/contract';
import {
  EngineState,
  explorationPropensity,
  learnerFacts,
  policyVersion,
  RequestSlatePolicy,
  Slate,
  slatePolicy,
  slateProbability,
  variantConfig,
} from '@app/engagement';
import { CalendarDay } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { LogFiles } from '../../cli/log-file';
import { OpeDecision } from './ope';
import { CrossFittedRewardModel, RewardRow } from './reward-model';
import { SlateWeighting, SlateWeightings, slateCells, slateWeight } from './slate-weights';
import { SupportTally } from './support';
import { actedWithin } from '../uplift/uplift';
import { DecisionTable, forEachOutcome, SkippedCopies } from '../uplift/uplift-logs';

/** The three policies `ope` weighs: the one that made the logs, the candidate, the baseline. */
export interface OpePolicies {
  readonly logging: EngineState;
  readonly candidate: EngineState;
  /** Undefined: the baseline is the logging policy itself. */
  readonly baseline: EngineState | undefined;
  /** How the logging policy is named in errors: its flags. */
  readonly loggingName: string;
}

/** The logs as `ope` reads them. */
export interface OpeLog {
  readonly decisions: OpeDecision[];
  /** Learners with a decision not held out: the bootstrap's unit. */
  readonly learners: number;
  readonly heldOut: number;
  readonly support: SupportTally;
  readonly historyDependent: number;
  /** Copies of decision lines skipped, if any. */
  readonly copies: SkippedCopies | undefined;
}

/** A decision not held out, until the outcomes give its reward. */
interface PendingDecision {
  readonly learner: number;
  readonly logLearner: number;
  readonly day: CalendarDay;
  readonly features: Float64Array;
  readonly cells: readonly number[];
  readonly candidate: Decided;
  readonly baseline: Decided;
}

/** A policy's weight of the logged slate and its cell probabilities at one decision. */
interface Decided {
  readonly weight: number;
  readonly marginals: ReadonlyMap<number, number>;
}

/** The delivered nudges in slot order; slots must run 1, 2, … without a gap. */
function loggedSlate(record: DecisionRecord, where: string): Slate {
  const bySlot = [...record.delivered].sort((a, b) => a.slot - b.slot);
  bySlot.forEach((nudge, i) => {
    if (nudge.slot !== i + 1) {
      throw new CliUsageError(
        `${where}: delivered: has no nudge in slot ${i + 1} but one in slot ${nudge.slot}; a slate fills its slots in order`,
      );
    }
  });
  return bySlot.map((nudge) => nudge.type);
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
 * propensities. Otherwise every weight would be computed against the wrong policy.
 */
function checkLogging(
  record: DecisionRecord,
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
  const delivered = [...record.delivered].sort((a, b) => a.slot - b.slot);
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

/**
 * A weighting's cell probabilities above 0, made once per weighting: the decisions that share a
 * pair of policies share the map, so a long log keeps few of them.
 */
const cellMaps = new WeakMap<SlateWeighting, ReadonlyMap<number, number>>();
function cellMap(weighting: SlateWeighting): ReadonlyMap<number, number> {
  let map = cellMaps.get(weighting);
  if (map === undefined) {
    const cells = new Map<number, number>();
    weighting.marginals.forEach((probability, cell) => {
      if (probability > 0) cells.set(cell, probability);
    });
    cellMaps.set(weighting, (map = cells));
  }
  return map;
}

interface DecisionPass {
  readonly table: DecisionTable;
  readonly pending: PendingDecision[];
  readonly learners: number;
  readonly support: SupportTally;
  readonly historyDependent: number;
}

/**
 * Reads decisions.ndjson, checked as `uplift` checks it, replays the logging policy on each
 * decision not held out, and weighs the slate it sent for the candidate and the baseline. Only
 * what the estimates need is kept, never the requests.
 */
async function readDecisionPass(log: LogFiles, policies: OpePolicies): Promise<DecisionPass> {
  const table = new DecisionTable(log);
  const weightings = new SlateWeightings();
  const served = new Map<number, number>();
  const pending: PendingDecision[] = [];
  const support = new SupportTally();
  let historyDependent = 0;
  await forEachLogLine(log.files, (text, at) => {
    const where = lineName(at);
    const { record, day } = parseDecisionLine(text, where);
    if (!table.add(record, day, text, at) || record.assignment.holdout) return;
    const valid = requireRequest(record, day, where);
    const slate = loggedSlate(record, where);
    const facts = learnerFacts(valid);
    const logging = slatePolicy(valid, policies.logging, facts);
    checkLogging(record, slate, logging, policies, where);
    const candidate = slatePolicy(valid, policies.candidate, facts);
    const baseline =
      policies.baseline === undefined ? logging : slatePolicy(valid, policies.baseline, facts);
    const forCandidate = weightings.of(logging, candidate);
    const forBaseline = weightings.of(logging, baseline);
    support.add('candidate', forCandidate, logging, at);
    support.add('baseline', forBaseline, logging, at);
    if (candidate.historyMatters) historyDependent++;
    const logLearner = table.learnerOf[table.decisions - 1];
    let learner = served.get(logLearner);
    if (learner === undefined) served.set(logLearner, (learner = served.size));
    pending.push({
      learner,
      logLearner,
      day,
      features: facts.features(),
      cells: slateCells(slate, slate.length),
      candidate: { weight: slateWeight(forCandidate, slate), marginals: cellMap(forCandidate) },
      baseline: { weight: slateWeight(forBaseline, slate), marginals: cellMap(forBaseline) },
    });
  });
  if (table.decisions === 0) throw new CliUsageError(`${log.name} has no decisions`);
  if (pending.length === 0) {
    throw new CliUsageError(
      `${log.name} has no decisions that were not held out: a policy's value is its mean outcome over those`,
    );
  }
  return { table, pending, learners: served.size, support, historyDependent };
}

/** Each learner's days with any nudgeable action, sorted: what an outcome is looked up in. */
async function readActionDays(log: LogFiles, decisions: DecisionTable): Promise<CalendarDay[][]> {
  const actionDays = decisions.userIds.map((): CalendarDay[] => []);
  await forEachOutcome(log, decisions, (learner, _action, day) => actionDays[learner].push(day));
  for (const days of actionDays) days.sort((a, b) => a - b);
  return actionDays;
}

export interface OpeReadSettings {
  readonly rewardDays: number;
  readonly folds: number;
  readonly seed: number;
}

/**
 * Reads both logs for `ope`: each decision not held out, weighed for the candidate and the
 * baseline, with its outcome (any nudgeable action within `rewardDays` of the decision's day,
 * docs/closed-loop.md "What a decision earns") and the cross-fitted reward model's predictions.
 */
export async function readOpeLogs(
  logs: { readonly decisions: LogFiles; readonly outcomes: LogFiles },
  policies: OpePolicies,
  settings: OpeReadSettings,
): Promise<OpeLog> {
  const pass = await readDecisionPass(logs.decisions, policies);
  const actionDays = await readActionDays(logs.outcomes, pass.table);
  const rows: RewardRow[] = pass.pending.map((decision) => ({
    learner: decision.learner,
    features: decision.features,
    cells: decision.cells,
    reward: actedWithin(actionDays[decision.logLearner], decision.day, settings.rewardDays) ? 1 : 0,
  }));
  const model = CrossFittedRewardModel.fit(rows, pass.learners, settings.folds, settings.seed);
  const decisions = pass.pending.map((decision, i): OpeDecision => {
    const { learner, features } = decision;
    const direct = (marginals: ReadonlyMap<number, number>) =>
      model.predict(learner, features, marginals);
    return {
      learner,
      reward: rows[i].reward,
      predicted: model.predict(learner, features, new Map(decision.cells.map((c) => [c, 1]))),
      candidate: {
        weight: decision.candidate.weight,
        direct: direct(decision.candidate.marginals),
      },
      baseline: { weight: decision.baseline.weight, direct: direct(decision.baseline.marginals) },
    };
  });
  return {
    decisions,
    learners: pass.learners,
    heldOut: pass.table.decisions - pass.pending.length,
    support: pass.support,
    historyDependent: pass.historyDependent,
    copies: pass.table.copies,
  };
}
