import {
  ValidRequest,
  DecisionRecord,
  DeliveredNudge,
  forEachLine,
  NUDGE_ACTIONS,
  OutcomeAction,
  parseDecisionLine,
  validDecisionRequest,
} from '@app/contract';
import { EngineState, slotOneChoices } from '@app/engagement';
import { CalendarDay, deriveSignals, NudgeType } from '@app/learner';
import { encodeFeatures, ModelSet } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { NO_NUDGE, OpeDecision, SlotChance, SupportTally, TopAction } from './ope';
import { actedWithin } from '../uplift/uplift';
import { DecisionTable, forEachOutcome } from '../uplift/uplift-logs';

/** The logs as `ope` reads them: each decision not held out, with its reward. */
export interface OpeLog {
  readonly decisions: OpeDecision[];
  readonly heldOut: number;
  readonly support: SupportTally;
}

/** A decision not held out, until the outcomes give its reward. */
interface PendingDecision extends Omit<OpeDecision, 'reward'> {
  readonly learner: number;
  readonly day: CalendarDay;
}

/** The slot-1 nudge: the top nudge, whose propensity is the logging propensity. */
function topNudge(decision: DecisionRecord, where: string): DeliveredNudge | undefined {
  if (decision.delivered.length === 0) return undefined;
  const top = decision.delivered.find((nudge) => nudge.slot === 1);
  if (top === undefined) {
    throw new CliUsageError(
      `${where}: delivered: has no nudge in slot 1, so the logging propensity of the top nudge is unknown`,
    );
  }
  return top;
}

/**
 * The types the logging policy gave a chance at slot 1. A top nudge of propensity 1 was the
 * only one it could choose; one below 1 means it explored, which draws any of its candidates
 * (the logged ones and the delivered ones) with probability ε/n > 0. A decision that delivered
 * nothing gave no type a chance.
 */
export function loggedChances(
  decision: DecisionRecord,
  top: DeliveredNudge | undefined,
): ReadonlySet<NudgeType> {
  if (top === undefined) return new Set();
  if (top.propensity === 1) return new Set([top.type]);
  return new Set([...decision.candidates, ...decision.delivered].map((nudge) => nudge.type));
}

/** A type the candidate may choose (probability > 0) that the logging policy gave no chance. */
export function unsupportedChoice(
  candidate: readonly SlotChance[],
  chances: ReadonlySet<NudgeType>,
): NudgeType | undefined {
  return candidate.find((choice) => choice.probability > 0 && !chances.has(choice.type))?.type;
}

/** The models' probability of each type the DR estimate needs here, for those they score. */
function modelledRewards(
  valid: ValidRequest,
  models: ModelSet | undefined,
  types: readonly TopAction[],
): Partial<Record<NudgeType, number>> {
  if (models === undefined) return {};
  const features = encodeFeatures(deriveSignals(valid.request, valid.asOf));
  const modelled: Partial<Record<NudgeType, number>> = {};
  for (const type of types) {
    const probability = type === NO_NUDGE ? undefined : models.probability(type, features);
    if (probability !== undefined) modelled[type as NudgeType] = probability;
  }
  return modelled;
}

/** The candidate's answer needs the request the logging policy answered. */
function requireRequest(decision: DecisionRecord, day: CalendarDay, where: string): ValidRequest {
  const valid = validDecisionRequest(decision, day, where);
  if (valid === undefined) {
    throw new CliUsageError(
      `${where}: request: missing; ope asks the candidate policy what it would have done for the request this decision answered, so every decision not held out must log it`,
    );
  }
  return valid;
}

interface DecisionPass {
  readonly table: DecisionTable;
  readonly pending: PendingDecision[];
  readonly support: SupportTally;
}

/**
 * Reads decisions.ndjson, checked as `uplift` checks it, and asks the candidate (`state`) what
 * it would have put in slot 1 for each decision not held out. Only what the estimates need is
 * kept, never the requests.
 */
async function readDecisionPass(path: string, state: EngineState): Promise<DecisionPass> {
  const table = new DecisionTable(path);
  const pending: PendingDecision[] = [];
  let unsupported = 0;
  let first: SupportTally['first'];
  let explored = false;
  await forEachLine(path, (text, line) => {
    const where = `${path} line ${line}`;
    const { record, day } = parseDecisionLine(text, where);
    table.add(record, day, where);
    if (record.assignment.holdout) return;
    const valid = requireRequest(record, day, where);
    const top = topNudge(record, where);
    // A type the candidate ranks but never chooses (ε = 0) weighs nothing anywhere.
    const candidate = slotOneChoices(valid, state).filter((choice) => choice.probability > 0);
    const missing = unsupportedChoice(candidate, loggedChances(record, top));
    if (missing !== undefined) {
      unsupported++;
      first ??= { line, type: missing };
    }
    if (top !== undefined && top.propensity < 1) explored = true;
    const action = top?.type ?? NO_NUDGE;
    pending.push({
      learner: table.learnerOf[table.decisions - 1],
      day,
      action,
      propensity: top?.propensity ?? 1,
      candidate,
      modelled: modelledRewards(valid, state.models, [action, ...candidate.map((c) => c.type)]),
    });
  });
  if (table.decisions === 0) throw new CliUsageError(`${path} has no decisions`);
  if (pending.length === 0) {
    throw new CliUsageError(
      `${path} has no decisions that were not held out: a policy's value is its mean reward over those`,
    );
  }
  return { table, pending, support: { unsupported, first, explored } };
}

/** Each learner's action days, per action, sorted: what a decision's reward is looked up in. */
async function readActionDays(
  path: string,
  decisions: DecisionTable,
): Promise<Map<OutcomeAction, CalendarDay[]>[]> {
  const actionDays = decisions.userIds.map(() => new Map<OutcomeAction, CalendarDay[]>());
  await forEachOutcome(path, decisions, (learner, action, day) => {
    const days = actionDays[learner].get(action);
    if (days === undefined) actionDays[learner].set(action, [day]);
    else days.push(day);
  });
  for (const learner of actionDays) for (const days of learner.values()) days.sort((a, b) => a - b);
  return actionDays;
}

/**
 * Reads both logs for `ope`: the candidate's choices for each decision not held out, and its
 * reward, 1 when the learner did the top nudge's action within `rewardDays` of the decision's
 * day (docs/closed-loop.md, "What a decision earns").
 */
export async function readOpeLogs(
  paths: { readonly decisions: string; readonly outcomes: string },
  state: EngineState,
  rewardDays: number,
): Promise<OpeLog> {
  const { table, pending, support } = await readDecisionPass(paths.decisions, state);
  const actionDays = await readActionDays(paths.outcomes, table);
  const decisions = pending.map(({ learner, day, ...decision }): OpeDecision => {
    const days =
      decision.action === NO_NUDGE
        ? undefined
        : actionDays[learner].get(NUDGE_ACTIONS[decision.action]);
    const reward = days !== undefined && actedWithin(days, day, rewardDays) ? 1 : 0;
    return { ...decision, reward };
  });
  return { decisions, heldOut: table.decisions - pending.length, support };
}
