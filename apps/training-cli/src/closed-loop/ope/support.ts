import { lineName } from '@app/contract';
import { RequestSlatePolicy } from '@app/engagement';
import { CliUsageError } from '../../cli/cli-errors';
import { percent } from '../../cli/format';
import { LogFiles } from '../../cli/log-file';
import { SlateWeighting, SupportGap } from './slate-weights';
import { isBefore, LinePlace, placeLine } from '../uplift/uplift-tally';

/** Above this share of the policy's probability without support, its estimate is refused. */
export const MAX_UNSUPPORTED_SHARE = 0.01;

/** Why the logs lack what a policy would do at a decision. */
export type GapCause = 'exploration' | 'cooldown' | 'slots' | 'unranked' | 'unidentified';

/** What of a policy's probability the logs do not support at one decision, and why. */
export interface SupportNote {
  /** The probability lacking support: all of it when no weighting reproduces the policy. */
  readonly lacking: number;
  readonly gap: SupportGap | null;
  readonly cause: GapCause;
  /** The logging policy's open slots there. */
  readonly loggingSlots: number;
}

/** The first gap of the log, by its line's place. */
interface FirstGap extends SupportNote {
  readonly place: LinePlace;
}

/** The gap's cause, from what the logging policy could do at that decision. */
export function gapCause(gap: SupportGap | null, logging: RequestSlatePolicy): GapCause {
  if (gap === null) return 'unidentified';
  if (gap.type === undefined) return 'exploration';
  if (!logging.ranked.includes(gap.type)) {
    return logging.coolingDown.has(gap.type) ? 'cooldown' : 'unranked';
  }
  return gap.slot >= logging.slots ? 'slots' : 'exploration';
}

const ordinal = (slot: number) =>
  ['first', 'second', 'third', 'fourth', 'fifth'][slot] ?? `#${slot + 1}`;

function whatDiffers(gap: SupportGap | null): string {
  if (gap === null) return 'weighs slots in a way no mix of the logged slates reproduces';
  return gap.type === undefined
    ? `leaves the ${ordinal(gap.slot)} slot empty`
    : `puts ${gap.type} in the ${ordinal(gap.slot)} slot`;
}

/** What went wrong, and what logging would let these logs judge the policy. */
function causeAndAdvice(first: SupportNote): string {
  const type = first.gap?.type;
  switch (first.cause) {
    case 'exploration':
      return 'the logging policy never explored (policy.exploration_epsilon 0), so its logs give no weight to a slate it did not choose. Log with policy.exploration_epsilon > 0: exploring then draws every nudge, and stopping, into every slot';
    case 'cooldown':
      return `the logging policy's cooldown withheld ${type} from this learner, so no logged decision sent it here, and exploring does not help. A logging policy without the cooldown that hides ${type} (fatigue.cooldown_days.${type}) would let the logs judge it`;
    case 'slots':
      return `the logging policy had only ${first.loggingSlots} slot(s) open here (max_nudges, or the room the 7-day cap left). A logging policy with more room would let the logs judge it`;
    case 'unranked':
      return `${type} was not among the logging policy's candidates for this learner (no rule or model proposed it, or each of its wordings repeated a fact a stronger nudge stated: config overlaps), so no logged decision sent it here. Log with a policy that has it among its candidates`;
    case 'unidentified':
      return 'the logging policy explores too little for the candidate. Log with a larger policy.exploration_epsilon';
  }
}

/** A policy's note at a decision: undefined where the logs support all of it. */
export function supportNote(
  weighting: SlateWeighting,
  logging: RequestSlatePolicy,
): SupportNote | undefined {
  const lacking = weighting.unidentified ? 1 : weighting.unsupported;
  if (lacking === 0) return undefined;
  const gap = weighting.gap ?? null;
  return { lacking, gap, cause: gapCause(gap, logging), loggingSlots: logging.slots };
}

type Policy = 'candidate' | 'baseline';

/**
 * How much of each policy's probability the logs do not support, and the first decision that
 * lacks it. Where a policy would send a slate with a slot-action cell the logging policy never
 * fills, no logged decision stands for it and every estimate is biased; a small share is
 * reported, more stops the command. Sums and a first: they merge across partitions and shards.
 */
export interface SupportSums {
  readonly mass: Record<Policy, number>;
  readonly first: Partial<Record<Policy, FirstGap>>;
}

export const emptySupport = (): SupportSums => ({ mass: { candidate: 0, baseline: 0 }, first: {} });

export function addSupportNote(
  sums: SupportSums,
  policy: Policy,
  note: SupportNote,
  place: LinePlace,
): void {
  sums.mass[policy] += note.lacking;
  const first = sums.first[policy];
  if (first === undefined || isBefore(place, first.place)) sums.first[policy] = { ...note, place };
}

export function addSupport(into: SupportSums, from: SupportSums): void {
  for (const policy of ['candidate', 'baseline'] as const) {
    into.mass[policy] += from.mass[policy];
    const first = from.first[policy];
    if (first !== undefined) addSupportNote(into, policy, { ...first, lacking: 0 }, first.place);
  }
}

/**
 * The candidate's unsupported share over `decisions`; a refusal naming the first gap (a line of
 * `log`) when either policy's share is too large.
 */
export function requireSupport(sums: SupportSums, decisions: number, log: LogFiles): number {
  for (const policy of ['baseline', 'candidate'] as const) {
    const share = sums.mass[policy] / decisions;
    const first = sums.first[policy];
    if (share <= MAX_UNSUPPORTED_SHARE || first === undefined) continue;
    const extent = `${percent(share, 1)} of the ${policy}'s probability over ${decisions} decisions lacks support (at most ${percent(MAX_UNSUPPORTED_SHARE, 1)} may)`;
    throw new CliUsageError(
      `${lineName(placeLine(log, first.place))}: the ${policy} policy ${whatDiffers(first.gap)}, which the logging policy never does there: ${causeAndAdvice(first)}; ${extent}`,
    );
  }
  return sums.mass.candidate / decisions;
}
