import { DecisionLogError, DecisionRecord, parseDecisionLine } from '@app/contract/decision-log';
import { CliUsageError } from '../../cli/cli-errors';
import { CalendarDay } from '@app/learner';
import { jsonString } from '../../cli/json-string';
import { inShard, keyHash, mayHoldShardKey, PartitionWriter } from '../../cli/learner-partitions';
import { forEachUnitLine, LogUnit } from '../../cli/log-units';
import { Shard } from '../../cli/shard-option';
import { groupOf } from './group-of';
import { ThreadFault } from './thread-fault';
import { lineDigest, loadLineDigest } from './uplift-logs';

/**
 * A decision as its learner's partition keeps it (decisionRecordHead's fields, which write it);
 * its line is the unit's and the unit's line.
 */
export type DecisionRecordLine = [
  ...Parameters<typeof decisionRecordHead>,
  /** What a command adds (DecisionExtra); absent when it adds nothing. */
  extra?: unknown,
];

/**
 * What a command keeps of a decision of the shard's learners beside its DecisionRecordLine, as
 * JSON text (`ope`: the decision weighed for each policy); undefined for nothing. A usage error
 * it throws makes the line a bad one, as a line that does not parse.
 */
export type DecisionExtra = (record: DecisionRecord, day: CalendarDay) => string | undefined;

/** A decision's id as its own partition keeps it, with its line's digest (idRecordText's fields). */
export type IdRecordLine = Parameters<typeof idRecordText>;

/** What reading a unit of the decisions log gave; a refusal is a unit that could not be read. */
export interface UnitResult extends ThreadFault {
  readonly unit: number;
  /** The unit's lines, counted to the end even past a bad one. */
  readonly lines: number;
  /** The first bad line, by its number in the unit, and its text, for the message. */
  readonly bad?: { readonly line: number; readonly text: string };
}

/**
 * Reads one unit of the decisions log (unit number `index`), handing each decision of the
 * shard's learners to its learner's partition and each decision whose id hashes into the shard
 * to its id's partition: ids are checked for repeats by id, as two learners' decisions may share
 * one. Only the lines that may be the shard's are parsed (mayHoldShardKey), so N shards parse
 * each line about twice in all, not N times. The first bad line stops the writing: the thread
 * that reads it cannot name its line, so it hands back its text and number in the unit.
 */
export async function passDecisionUnit(
  unit: LogUnit,
  index: number,
  shard: Shard,
  writer: PartitionWriter,
  extra?: DecisionExtra,
): Promise<UnitResult> {
  let bad: UnitResult['bad'];
  await loadLineDigest();
  try {
    const lines = await forEachUnitLine(unit, (text, line) => {
      if (bad !== undefined) return;
      if (
        shard.count > 1 &&
        !mayHoldShardKey(text, 'user_id', shard) &&
        !mayHoldShardKey(text, 'decision_id', shard)
      ) {
        return;
      }
      try {
        keep(text, line);
      } catch (error) {
        if (!(error instanceof DecisionLogError || error instanceof CliUsageError)) throw error;
        bad = { line, text };
      }
    });
    return { unit: index, lines, bad };
  } catch (error) {
    if (!(error instanceof DecisionLogError)) throw error;
    return { unit: index, lines: 0, refusal: error.message };
  }

  function keep(text: string, line: number): void {
    const { record, day } = parseDecisionLine(text, '');
    const idHash = keyHash(record.decision_id);
    if (inShard(idHash, shard)) {
      const [low, high] = lineDigest(text);
      writer.add(idHash, 'ids', idRecordText(record.decision_id, index, line, low, high));
    }
    const learnerHash = keyHash(record.user_id);
    if (!inShard(learnerHash, shard)) return;
    const head = decisionRecordHead(
      record.decision_id,
      record.user_id,
      day,
      groupOf(record.assignment),
      index,
      line,
      configHashOf(record.policy_version),
    );
    const added = extra?.(record, day);
    writer.add(learnerHash, 'decisions', added === undefined ? `${head}]` : `${head},${added}]`);
  }
}

/*
 * The records' texts are what JSON.stringify gives for their arrays (the tests hold them to it),
 * written out directly, strings by jsonString: an array per record, then a copy of its text to
 * add the extra, cost more than the rest of the record's handling.
 */

/** An IdRecordLine's text. */
export function idRecordText(
  decisionId: string,
  unit: number,
  line: number,
  digestLow: number,
  digestHigh: number,
): string {
  return `[${jsonString(decisionId)},${unit},${line},${digestLow},${digestHigh}]`;
}

/** A DecisionRecordLine's text up to its extra: the caller adds `,extra]` or `]`. */
export function decisionRecordHead(
  decisionId: string,
  userId: string,
  day: CalendarDay,
  group: string,
  unit: number,
  line: number,
  configHash: string,
): string {
  return `[${jsonString(decisionId)},${jsonString(userId)},${day},${jsonString(group)},${unit},${line},${jsonString(configHash)}`;
}

/** The config hash of a policy_version (`<model set>/<config hash>[/<variant>]`, checked). */
function configHashOf(policyVersion: string): string {
  const start = policyVersion.indexOf('/') + 1;
  const end = policyVersion.indexOf('/', start);
  return end < 0 ? policyVersion.slice(start) : policyVersion.slice(start, end);
}
