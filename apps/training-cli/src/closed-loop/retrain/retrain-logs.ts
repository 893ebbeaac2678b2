import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CalendarDay, NUDGE_TYPES } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import {
  DecisionRecord,
  forEachLine,
  OUTCOME_ACTIONS,
  OutcomeAction,
  parseDecisionLine,
} from '@app/contract';
import { DecisionTable, OutcomeLineReader } from '../uplift/uplift-logs';

/** Where a model set trained from logs came from: recorded in its manifest. */
export interface LogProvenance {
  /** The file's name, without its folder: the same logs elsewhere give the same manifest. */
  readonly file: string;
  readonly sha256: string;
  readonly lines: number;
}

/**
 * What `train --from-log` keeps of the decisions log. Per decision that delivered a nudge (a
 * held-out one delivers none): its feature vector, day and learner; per delivered nudge, every
 * slot: its decision, type and propensity.
 */
export interface DeliveredNudges {
  /** The log's decisions: ids, learners, days. */
  readonly table: DecisionTable;
  /** Row-major, `FEATURE_COUNT` per delivering decision, in FEATURE_NAMES order. */
  readonly features: Float64Array;
  readonly decisionDay: readonly CalendarDay[];
  readonly decisionLearner: readonly number[];
  /** Per nudge: the index of its decision among the delivering ones. */
  readonly nudgeDecision: readonly number[];
  /** Per nudge: its type's index in NUDGE_TYPES. */
  readonly nudgeType: readonly number[];
  readonly nudgePropensity: readonly number[];
  readonly provenance: LogProvenance;
}

/** Per action, per learner (numbered as in the decision table): the days they did it, sorted. */
export type ActionDays = Readonly<Record<OutcomeAction, readonly (readonly CalendarDay[])[]>>;

export interface LoggedOutcomes {
  readonly actionDays: ActionDays;
  readonly provenance: LogProvenance;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads a log line by line while hashing its bytes, and says where it came from. */
async function readLog(
  path: string,
  visit: (text: string, where: string) => void,
): Promise<LogProvenance> {
  const [sha256, lines] = await Promise.all([
    fileSha256(path),
    forEachLine(path, (text, line) => visit(text, `${path} line ${line}`)),
  ]);
  return { file: basename(path), sha256, lines };
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
 * Reads decisions.ndjson: every line checked as `uplift` checks it (a repeated decision_id, a
 * learner changing group), and every decision's features against the feature contract.
 */
export async function readDeliveredNudges(path: string): Promise<DeliveredNudges> {
  const table = new DecisionTable(path);
  const features: number[] = [];
  const decisionDay: CalendarDay[] = [];
  const decisionLearner: number[] = [];
  const nudgeDecision: number[] = [];
  const nudgeType: number[] = [];
  const nudgePropensity: number[] = [];
  const provenance = await readLog(path, (text, where) => {
    const { record, day } = parseDecisionLine(text, where);
    const vector = featureVectorOf(record.features, where);
    table.add(record, day, where);
    if (record.delivered.length === 0) return;
    const decision = decisionDay.length;
    features.push(...vector);
    decisionDay.push(day);
    decisionLearner.push(table.learnerOf[table.decisions - 1]);
    for (const nudge of record.delivered) {
      nudgeDecision.push(decision);
      nudgeType.push(NUDGE_TYPES.indexOf(nudge.type));
      nudgePropensity.push(nudge.propensity);
    }
  });
  if (table.decisions === 0) throw new CliUsageError(`${path} has no decisions`);
  return {
    table,
    features: Float64Array.from(features),
    decisionDay,
    decisionLearner,
    nudgeDecision,
    nudgeType,
    nudgePropensity,
    provenance,
  };
}

/**
 * Reads outcomes.ndjson into each learner's days per action, sorted. As for `uplift`, actions of
 * learners without decisions are skipped, and an outcome naming its decision must name one of
 * the decisions log, made for the same learner.
 */
export async function readLoggedOutcomes(
  path: string,
  decisions: DecisionTable,
): Promise<LoggedOutcomes> {
  const days = Object.fromEntries(
    OUTCOME_ACTIONS.map((action) => [action, decisions.userIds.map((): CalendarDay[] => [])]),
  ) as Record<OutcomeAction, CalendarDay[][]>;
  const reader = new OutcomeLineReader(decisions, (learner, action, day) =>
    days[action][learner].push(day),
  );
  const provenance = await readLog(path, reader.line);
  reader.requireOverlap(path);
  for (const action of OUTCOME_ACTIONS) {
    for (const learnerDays of days[action]) learnerDays.sort((a, b) => a - b);
  }
  return { actionDays: days, provenance };
}
