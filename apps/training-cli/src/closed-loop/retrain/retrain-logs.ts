import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CalendarDay, NUDGE_TYPES } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { LogFiles } from '../../cli/log-file';
import {
  DecisionRecord,
  DeliveredNudge,
  forEachLine,
  lineName,
  LogLine,
  OUTCOME_ACTIONS,
  OutcomeAction,
  parseDecisionLine,
} from '@app/contract';
import { DecisionTable, loadLineDigest, OutcomeLineReader } from '../uplift/uplift-logs';
import { GrowingArray } from '../../cli/growing-array';

/** One file of the logs a model set was trained from, as its manifest records it. */
export interface LogProvenance {
  /** The file's name, without its folder: the same logs elsewhere give the same manifest. */
  readonly file: string;
  readonly sha256: string;
  readonly lines: number;
}

/** In `slotOneType`: the decision's first slot is empty. */
export const NO_NUDGE = -1;

/**
 * What `train --from-log` keeps of the decisions log, in typed arrays (the features and seven
 * numbers a decision, three a delivered nudge), so a log of millions of lines fits. Per decision
 * (held-out ones included, numbered as in the decision table): its features, day, learner,
 * whether it was held out, what it put in slot 1, and its slate propensity. Per delivered nudge,
 * every slot: its decision, type and shown propensity.
 */
export interface LoggedDecisions {
  /** The log's decisions: ids, learners, days. */
  readonly table: DecisionTable;
  /** Row-major, `FEATURE_COUNT` per decision, in FEATURE_NAMES order. */
  readonly features: Float64Array;
  readonly day: Int32Array;
  readonly learner: Uint32Array;
  /** 1 for a held-out decision (`assignment.holdout`). */
  readonly holdout: Uint8Array;
  /** 1 for a decision whose `delivered` is empty: every held-out one, and a served one that sent nothing. */
  readonly deliveredNothing: Uint8Array;
  /** The slot-1 nudge's type, as its index in NUDGE_TYPES; NO_NUDGE when slot 1 is empty. */
  readonly slotOneType: Int8Array;
  /** The slot-1 nudge's `propensity`; NaN when slot 1 is empty. */
  readonly slotOnePropensity: Float64Array;
  /** The decision's `slate_propensity`; NaN when its line has none. */
  readonly slatePropensity: Float64Array;
  /** Per delivered nudge: its decision's number. */
  readonly nudgeDecision: Uint32Array;
  /** Per delivered nudge: its type's index in NUDGE_TYPES. */
  readonly nudgeType: Uint8Array;
  /**
   * Per delivered nudge in slot s: the probability that the logging policy showed what it
   * showed in slots 1..s, the product of their propensities (each slot's is conditional on the
   * slots before it).
   */
  readonly nudgeShownPropensity: Float64Array;
  /** Per file of the log, in the order read. */
  readonly provenance: readonly LogProvenance[];
}

/** Per action, per learner (numbered as in the decision table): the days they did it, sorted. */
export type ActionDays = Readonly<Record<OutcomeAction, readonly (readonly CalendarDay[])[]>>;

export interface LoggedOutcomes {
  readonly actionDays: ActionDays;
  /** Per file of the log, in the order read. */
  readonly provenance: readonly LogProvenance[];
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads a log's files in turn, line by line, while hashing each one's bytes as stored (a `.gz`
 * file's compressed ones, as `sha256sum` sees them), and says where they came from.
 */
async function readLog(
  log: LogFiles,
  visit: (text: string, at: LogLine) => void,
): Promise<LogProvenance[]> {
  const provenance: LogProvenance[] = [];
  for (const path of log.files) {
    const [sha256, lines] = await Promise.all([
      fileSha256(path),
      forEachLine(path, (text, line) => visit(text, { file: path, line })),
    ]);
    provenance.push({ file: basename(path), sha256, lines });
  }
  return provenance;
}

/**
 * The decision's features in FEATURE_NAMES order. The models take exactly those names, so a
 * log written under another feature contract stops here rather than train on shifted columns.
 */
export function featureVectorOf(features: DecisionRecord['features'], where: string): Float64Array {
  const missing = FEATURE_NAMES.filter((name) => !Object.hasOwn(features, name));
  const unknown = Object.keys(features).filter(
    (name) => !(FEATURE_NAMES as readonly string[]).includes(name),
  );
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
      ...(unknown.length > 0 ? [`unknown ${unknown.join(', ')}`] : []),
    ];
    throw new CliUsageError(
      `${where}: features: must name exactly the models' ${FEATURE_COUNT} features: ${problems.join('; ')}`,
    );
  }
  return Float64Array.from(FEATURE_NAMES, (name) => features[name]);
}

/**
 * Per delivered nudge, in log order: the product of the propensities of the nudges in its slot
 * and the slots before it, whatever order the line lists them in.
 */
export function shownPropensities(delivered: readonly DeliveredNudge[]): Float64Array {
  return Float64Array.from(delivered, (nudge) =>
    delivered.reduce(
      (product, other) => (other.slot <= nudge.slot ? product * other.propensity : product),
      1,
    ),
  );
}

/** The growing columns of LoggedDecisions while the log is read. */
class DecisionColumns {
  readonly features = new GrowingArray((n) => new Float64Array(n));
  readonly holdout = new GrowingArray((n) => new Uint8Array(n));
  readonly deliveredNothing = new GrowingArray((n) => new Uint8Array(n));
  readonly slotOneType = new GrowingArray((n) => new Int8Array(n));
  readonly slotOnePropensity = new GrowingArray((n) => new Float64Array(n));
  readonly slatePropensity = new GrowingArray((n) => new Float64Array(n));
  readonly nudgeDecision = new GrowingArray((n) => new Uint32Array(n));
  readonly nudgeType = new GrowingArray((n) => new Uint8Array(n));
  readonly nudgeShownPropensity = new GrowingArray((n) => new Float64Array(n));

  /** Adds decision number `decision`: its features, assignment, slot 1 and every nudge. */
  add(decision: number, record: DecisionRecord, features: Float64Array): void {
    const slotOne = record.delivered.find((nudge) => nudge.slot === 1);
    this.features.pushAll(features);
    this.holdout.push(record.assignment.holdout ? 1 : 0);
    this.deliveredNothing.push(record.delivered.length === 0 ? 1 : 0);
    this.slotOneType.push(slotOne === undefined ? NO_NUDGE : NUDGE_TYPES.indexOf(slotOne.type));
    this.slotOnePropensity.push(slotOne?.propensity ?? Number.NaN);
    this.slatePropensity.push(record.slate_propensity ?? Number.NaN);
    const shown = shownPropensities(record.delivered);
    record.delivered.forEach((nudge, i) => {
      this.nudgeDecision.push(decision);
      this.nudgeType.push(NUDGE_TYPES.indexOf(nudge.type));
      this.nudgeShownPropensity.push(shown[i]);
    });
  }
}

/**
 * Reads decisions.ndjson: every line checked as `uplift` checks it (a repeated decision_id, a
 * learner changing group, a copy skipped), and every decision's features against the feature
 * contract.
 */
export async function readLoggedDecisions(log: LogFiles): Promise<LoggedDecisions> {
  await loadLineDigest();
  const table = new DecisionTable(log);
  const columns = new DecisionColumns();
  const provenance = await readLog(log, (text, at) => {
    const where = lineName(at);
    const { record, day } = parseDecisionLine(text, where);
    const vector = featureVectorOf(record.features, where);
    if (table.add(record, day, text, at)) columns.add(table.decisions - 1, record, vector);
  });
  if (table.decisions === 0) throw new CliUsageError(`${log.name} has no decisions`);
  return {
    table,
    features: columns.features.toArray(),
    day: Int32Array.from(table.dayOf),
    learner: Uint32Array.from(table.learnerOf),
    holdout: columns.holdout.toArray(),
    deliveredNothing: columns.deliveredNothing.toArray(),
    slotOneType: columns.slotOneType.toArray(),
    slotOnePropensity: columns.slotOnePropensity.toArray(),
    slatePropensity: columns.slatePropensity.toArray(),
    nudgeDecision: columns.nudgeDecision.toArray(),
    nudgeType: columns.nudgeType.toArray(),
    nudgeShownPropensity: columns.nudgeShownPropensity.toArray(),
    provenance,
  };
}

/**
 * Reads outcomes.ndjson into each learner's days per action, sorted. As for `uplift`, actions of
 * learners without decisions are skipped, and an outcome naming its decision must name one of
 * the decisions log, made for the same learner.
 */
export async function readLoggedOutcomes(
  log: LogFiles,
  decisions: DecisionTable,
): Promise<LoggedOutcomes> {
  const days = Object.fromEntries(
    OUTCOME_ACTIONS.map((action) => [action, decisions.userIds.map((): CalendarDay[] => [])]),
  ) as Record<OutcomeAction, CalendarDay[][]>;
  const reader = new OutcomeLineReader(decisions, (learner, action, day) =>
    days[action][learner].push(day),
  );
  const provenance = await readLog(log, (text, at) => reader.line(text, lineName(at)));
  reader.requireOverlap(log.name);
  for (const action of OUTCOME_ACTIONS) {
    for (const learnerDays of days[action]) learnerDays.sort((a, b) => a - b);
  }
  return { actionDays: days, provenance };
}
