import { CalendarDay } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { ArmMoments, emptyMoments, MOMENT_KEYS } from './arm-moments';
import { ExperimentKeys } from './variants';
import {
  addTally,
  byKey,
  CopyCount,
  dayCount,
  emptyTally,
  HashMismatch,
  UpliftTally,
} from './uplift-tally';

/**
 * What a report of `uplift` needs beside the tally: the run's settings and what it read from
 * the config, kept in each shard's partial so that `combine` needs neither the config nor the
 * flags again, and can refuse partials of different runs.
 */
export interface UpliftRun {
  readonly windowDays: number;
  readonly preDays: number | undefined;
  /** The config the decisions were made with: its path (for messages) and hash. */
  readonly config: { readonly path: string; readonly hash: string };
  /** Each group's expected share of learners, in the config's order. */
  readonly shares: ReadonlyMap<string, number>;
  readonly experiments: readonly ExperimentKeys[];
  readonly decisions: LogFiles;
  readonly outcomes: LogFiles;
}

/** A shard's tally and its run, as `uplift --shard I/N --partial FILE` writes it. */
export interface UpliftPartial {
  readonly shard: Shard;
  readonly run: UpliftRun;
  readonly tally: UpliftTally;
}

export const UPLIFT_PARTIAL_KIND = 'uplift';
/** The partial's format: a reader refuses another, as its fields may mean something else. */
export const PARTIAL_FORMAT = 1;

/** What every partial starts with: its kind (the command that wrote it), format and shard. */
export const partialHeader = (kind: string, shard: Shard) => ({
  kind,
  format: PARTIAL_FORMAT,
  shard,
});

/** The commands that write partials. */
const PARTIAL_KINDS = ['uplift', 'ope'];

/**
 * Reads a partial file's JSON and checks its header; `name` names it in errors. A file of no
 * known kind or of another format, or one that is not JSON, is refused.
 */
export function readPartialJson(
  text: string,
  name: string,
): { kind: string; json: Record<string, unknown> } {
  let json: Record<string, unknown> | null;
  try {
    json = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    throw new CliUsageError(`${name}: not a partial: not JSON`);
  }
  const kind = json?.kind;
  if (json === null || typeof kind !== 'string' || !PARTIAL_KINDS.includes(kind)) {
    throw new CliUsageError(
      `${name}: kind: ${JSON.stringify(kind)}, not ${PARTIAL_KINDS.map((known) => `"${known}"`).join(' or ')}: not a partial written by uplift --partial or ope --partial`,
    );
  }
  if (json.format !== PARTIAL_FORMAT) {
    throw new CliUsageError(
      `${name}: format: ${JSON.stringify(json.format)}, but this version reads format ${PARTIAL_FORMAT}: write the partials again with this version`,
    );
  }
  return { kind, json };
}

/** The partial as JSON: numbers as doubles print, which read back to the same doubles. */
export function partialJson({ shard, run, tally }: UpliftPartial): string {
  return JSON.stringify({
    ...partialHeader(UPLIFT_PARTIAL_KIND, shard),
    run: {
      window_days: run.windowDays,
      pre_days: run.preDays ?? null,
      config: run.config,
      shares: [...run.shares],
      experiments: run.experiments.map(({ key, variants }) => ({
        key,
        variants: variants.map((variant) => ({ key: variant.key })),
      })),
      decisions: run.decisions,
      outcomes: run.outcomes,
    },
    tally: {
      decision_lines: tally.decisionLines,
      outcome_lines: tally.outcomeLines,
      decisions: tally.decisions,
      following: tally.following,
      groups: Object.fromEntries(byKey(tally.groups)),
      days: Object.fromEntries(
        byKey(tally.days).map(([group, days]) => [
          group,
          [...days]
            .sort(([a], [b]) => a - b)
            .map(([day, count]) => [day, count.decisions, count.acted]),
        ]),
      ),
      copies: tally.copies ?? null,
      mismatch: tally.mismatch ?? null,
    },
  });
}

/** What a partial file holds, as far as reading it trusts it (the file is `uplift`'s own). */
interface PartialJson {
  kind: unknown;
  format: unknown;
  shard: Shard;
  run: {
    window_days: number;
    pre_days: number | null;
    config: { path: string; hash: string };
    shares: [string, number][];
    experiments: ExperimentKeys[];
    decisions: LogFiles;
    outcomes: LogFiles;
  };
  tally: {
    decision_lines: number;
    outcome_lines: number;
    decisions: number;
    following: number;
    groups: Record<string, Record<string, unknown>>;
    days: Record<string, [CalendarDay, number, number][]>;
    copies: CopyCount | null;
    mismatch: HashMismatch | null;
  };
}

function moments(value: Record<string, unknown>, where: string): ArmMoments {
  const arm = emptyMoments();
  for (const key of MOMENT_KEYS) {
    const sum = value[key];
    if (typeof sum !== 'number') throw new CliUsageError(`${where}.${key}: missing`);
    arm[key] = sum;
  }
  return arm;
}

/** Reads a partial written by `uplift --partial` (its header checked by readPartialJson). */
export function readUpliftPartial(value: Record<string, unknown>, name: string): UpliftPartial {
  const json = value as unknown as PartialJson;
  const { run, tally: fields } = json;
  const tally = emptyTally(fields.decision_lines, fields.outcome_lines);
  tally.decisions = fields.decisions;
  tally.following = fields.following;
  for (const [group, value] of Object.entries(fields.groups)) {
    tally.groups.set(group, moments(value, `${name}: tally.groups.${group}`));
  }
  for (const [group, days] of Object.entries(fields.days)) {
    for (const [day, decisions, acted] of days) {
      Object.assign(dayCount(tally, group, day), { decisions, acted });
    }
  }
  tally.copies = fields.copies ?? undefined;
  tally.mismatch = fields.mismatch ?? undefined;
  return {
    shard: json.shard,
    run: {
      windowDays: run.window_days,
      preDays: run.pre_days ?? undefined,
      config: run.config,
      shares: new Map(run.shares),
      experiments: run.experiments,
      decisions: run.decisions,
      outcomes: run.outcomes,
    },
    tally,
  };
}

/** How two partials' runs must agree to be combined: a field's name and its value in JSON. */
function runFacts(run: UpliftRun): [string, string][] {
  return [
    ['--window-days', JSON.stringify(run.windowDays)],
    ['--pre-days', JSON.stringify(run.preDays ?? null)],
    ['the config hash', JSON.stringify(run.config.hash)],
    ['--decisions files', JSON.stringify(run.decisions.files)],
    ['--outcomes files', JSON.stringify(run.outcomes.files)],
  ];
}

/**
 * The order in which to merge partials (named by `names`): they must be the N shards of one run,
 * each once, their runs agreeing on every fact `facts` gives; in shard order.
 */
export function checkShards<Run>(
  partials: readonly { readonly shard: Shard; readonly run: Run }[],
  names: readonly string[],
  facts: (run: Run) => [string, string][],
): number[] {
  const count = partials[0].shard.count;
  const byIndex = new Array<number | undefined>(count);
  partials.forEach((partial, i) => {
    if (partial.shard.count !== count) {
      throw new CliUsageError(
        `${names[i]}: shard ${partial.shard.index}/${partial.shard.count}, but ${names[0]} is of ${count} shards`,
      );
    }
    const earlier = byIndex[partial.shard.index];
    if (earlier !== undefined) {
      throw new CliUsageError(
        `${names[i]}: shard ${partial.shard.index}/${count} again: ${names[earlier]} is that shard`,
      );
    }
    byIndex[partial.shard.index] = i;
    const own = facts(partial.run);
    facts(partials[0].run).forEach(([field, value], f) => {
      if (own[f][1] !== value) {
        throw new CliUsageError(
          `${names[i]}: ${field} ${own[f][1]}, but ${names[0]} has ${value}: the partials are of different runs`,
        );
      }
    });
  });
  const missing = [...byIndex.keys()].filter((index) => byIndex[index] === undefined);
  if (missing.length > 0) {
    throw new CliUsageError(
      `shard ${missing.map((index) => `${index}/${count}`).join(', ')} missing: combine needs the partial of every shard`,
    );
  }
  return byIndex as number[];
}

/** The tally of all shards (checkShards), merged in shard order. */
export function combinePartials(
  partials: readonly UpliftPartial[],
  names: readonly string[],
): { run: UpliftRun; tally: UpliftTally } {
  const order = checkShards(partials, names, runFacts);
  const first = partials[order[0]];
  const tally = emptyTally(first.tally.decisionLines, first.tally.outcomeLines);
  for (const index of order) addTally(tally, partials[index].tally);
  return { run: first.run, tally };
}
