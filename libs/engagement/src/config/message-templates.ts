import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { MESSAGE_PARAMS, RuleMessageId } from '@app/rules';

/** Model nudges have one message per type. */
export type MlMessageId = `ml_${NudgeType}`;
export type MessageId = RuleMessageId | MlMessageId;

/** The messages a config's deprecated `messages` section may override. */
export const MESSAGE_IDS: readonly MessageId[] = [
  ...(Object.keys(MESSAGE_PARAMS) as RuleMessageId[]),
  ...NUDGE_TYPES.map((type): MlMessageId => `ml_${type}`),
];
