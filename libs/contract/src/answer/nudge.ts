import { NudgeType, Priority } from '@app/learner';
import { Evidence } from '@app/rules';

/** A nudge as the API answers it, in the reader's language. */
export interface Nudge {
  readonly type: NudgeType;
  readonly title: string;
  readonly action: string;
  readonly priority: Priority;
  readonly source: 'rule' | 'ml';
  readonly score: number;
  /** The nudge's slot, 1 first. */
  readonly rank: number;
  /** The probability that the policy put this nudge in this slot, given the candidates left. */
  readonly propensity: number;
  /** The catalog message of the title and action (`<message_key>.title`, `.action`). */
  readonly message_key: string;
  /** What the message was rendered with, so a client can render its own copy. */
  readonly params: Readonly<Record<string, string | number>>;
  /** Why, in plain words. */
  readonly reasons: readonly string[];
  /** Why, as data: rule or model, its inputs and its threshold. */
  readonly evidence: readonly Evidence[];
  /**
   * Other types asking for the same action, merged into this nudge with their reasons and
   * evidence (one nudge per action); empty when none.
   */
  readonly merged_types: readonly NudgeType[];
}
