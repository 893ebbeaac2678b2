import { NUDGE_TYPES, NudgeType, Priority } from '@app/learner';
import { Phrase } from '@app/messages';
import { Claim, Evidence, MessageParams } from '@app/rules';

/** One way to word a nudge: its message (`<message>.title`, `.action`) and the facts it states. */
export interface NudgeWording {
  readonly message: string;
  readonly params: MessageParams;
  readonly claims: readonly Claim[];
}

/** A nudge the engine would give, before it is worded in a language. */
export interface NudgeDraft {
  readonly type: NudgeType;
  readonly source: 'rule' | 'ml';
  readonly priority: Priority;
  /** The rule's strength or the model's probability, 2 decimals. */
  readonly score: number;
  /** Ways to word it, best first: the first that repeats no fact another nudge states is used. */
  readonly wordings: readonly NudgeWording[];
  readonly reasons: readonly Phrase[];
  readonly evidence: readonly Evidence[];
  /** Under the uplift objective: the predicted change in the chance of the nudge's action. */
  readonly uplift?: number;
  /** Types that ask for the same action and merged into this nudge (mergeByAction). */
  readonly merged?: readonly NudgeType[];
}

/** NUDGE_TYPES order, the last tie-break of every ranking. */
export const TYPE_RANK = Object.fromEntries(NUDGE_TYPES.map((type, i) => [type, i])) as Record<
  NudgeType,
  number
>;
