import { lineName, LogLine } from '@app/contract';
import { RequestSlatePolicy } from '@app/engagement';
import { CliUsageError } from '../../cli/cli-errors';
import { percent } from '../../cli/format';
import { SlateWeighting, SupportGap } from './slate-weights';

/** Above this share of the policy's probability without support, its estimate is refused. */
export const MAX_UNSUPPORTED_SHARE = 0.01;

/** Why the logs lack what a policy would do at a decision. */
export type GapCause = 'exploration' | 'cooldown' | 'slots' | 'unranked' | 'unidentified';

interface FirstGap {
  readonly at: LogLine;
  readonly gap: SupportGap | undefined;
  readonly cause: GapCause;
  readonly loggingSlots: number;
}

/** The gap's cause, from what the logging policy could do at that decision. */
export function gapCause(gap: SupportGap | undefined, logging: RequestSlatePolicy): GapCause {
  if (gap === undefined) return 'unidentified';
  if (gap.type === undefined) return 'exploration';
  if (!logging.ranked.includes(gap.type)) {
    return logging.coolingDown.has(gap.type) ? 'cooldown' : 'unranked';
  }
  return gap.slot >= logging.slots ? 'slots' : 'exploration';
}

const ordinal = (slot: number) =>
  ['first', 'second', 'third', 'fourth', 'fifth'][slot] ?? `#${slot + 1}`;

function whatDiffers(gap: SupportGap | undefined): string {
  if (gap === undefined) return 'weighs slots in a way no mix of the logged slates reproduces';
  return gap.type === undefined
    ? `leaves the ${ordinal(gap.slot)} slot empty`
    : `puts ${gap.type} in the ${ordinal(gap.slot)} slot`;
}

/** What went wrong, and what logging would let these logs judge the policy. */
function causeAndAdvice(first: FirstGap): string {
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

/**
 * How much of each policy's probability the logs do not support. Where a policy would send a
 * slate with a slot-action cell the logging policy never fills, no logged decision stands for it
 * and every estimate is biased; a small share is reported, more stops the command.
 */
export class SupportTally {
  private readonly mass = { candidate: 0, baseline: 0 };
  private readonly first: { candidate?: FirstGap; baseline?: FirstGap } = {};

  add(
    policy: 'candidate' | 'baseline',
    weighting: SlateWeighting,
    logging: RequestSlatePolicy,
    at: LogLine,
  ): void {
    const lacking = weighting.unidentified ? 1 : weighting.unsupported;
    if (lacking === 0) return;
    this.mass[policy] += lacking;
    this.first[policy] ??= {
      at,
      gap: weighting.gap,
      cause: gapCause(weighting.gap, logging),
      loggingSlots: logging.slots,
    };
  }

  share(policy: 'candidate' | 'baseline', decisions: number): number {
    return this.mass[policy] / decisions;
  }

  /** The candidate's unsupported share; a refusal naming the first gap when either is too large. */
  require(decisions: number): number {
    for (const policy of ['baseline', 'candidate'] as const) {
      const share = this.share(policy, decisions);
      const first = this.first[policy];
      if (share <= MAX_UNSUPPORTED_SHARE || first === undefined) continue;
      const extent = `${percent(share, 1)} of the ${policy}'s probability over ${decisions} decisions lacks support (at most ${percent(MAX_UNSUPPORTED_SHARE, 1)} may)`;
      throw new CliUsageError(
        `${lineName(first.at)}: the ${policy} policy ${whatDiffers(first.gap)}, which the logging policy never does there: ${causeAndAdvice(first)}; ${extent}`,
      );
    }
    return this.share('candidate', decisions);
  }
}
