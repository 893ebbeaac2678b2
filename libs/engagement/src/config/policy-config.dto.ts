import {
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { MODEL_OBJECTIVES, ModelObjective } from '@app/ml/inference';

const number = { allowNaN: false, allowInfinity: false };
const section = { message: 'must be an object' };
const days = { message: 'must be a non-negative number of days' };
const share = { message: 'must be a number from 0 to 1' };

/** Days after a delivery before the same type may be sent again. */
class CooldownDaysSection implements Record<NudgeType, number> {
  @IsNumber(number, days) @Min(0, days) resume = 7;
  @IsNumber(number, days) @Min(0, days) project = 7;
  @IsNumber(number, days) @Min(0, days) quiz = 3;
  @IsNumber(number, days) @Min(0, days) event_fomo = 3;
  @IsNumber(number, days) @Min(0, days) comeback = 7;
}

/**
 * How often a learner may be nudged, judged from the `history` a request carries; without a
 * history nothing here applies.
 */
export class FatigueSection {
  @IsObject(section)
  @ValidateNested(section)
  cooldown_days: CooldownDaysSection = new CooldownDaysSection();

  /** A dismissed type waits this many times its cooldown. */
  @IsNumber(number, { message: 'must be a number of at least 1' })
  @Min(1, { message: 'must be a number of at least 1' })
  dismissed_cooldown_factor = 2;

  /** Deliveries allowed in the 7 days up to `as_of`, history included. */
  @IsNumber(number, { message: 'must be a whole number from 0 to 1000' })
  @Min(0, { message: 'must be a whole number from 0 to 1000' })
  @Max(1000, { message: 'must be a whole number from 0 to 1000' })
  max_nudges_per_7_days = 10;

  /** Half-life of the ranking penalty for a recently delivered type. */
  @IsNumber(number, { message: 'must be a positive number of days' })
  @Min(Number.MIN_VALUE, { message: 'must be a positive number of days' })
  recency_half_life_days = 7;

  /** The penalty the day a type was delivered (γ); it halves every half-life. */
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  recency_penalty = 0.5;
}

/** A deterministic global holdout and optional experiments; see the README. */
export class AssignmentSection {
  @IsNumber(number, { message: 'must be a number from 0 to 50' })
  @Min(0, { message: 'must be a number from 0 to 50' })
  @Max(50, { message: 'must be a number from 0 to 50' })
  holdout_percent = 0;

  @IsString({ message: 'must be a string of 1 to 64 characters' })
  @Length(1, 64, { message: 'must be a string of 1 to 64 characters' })
  salt = 'engagement-holdout';

  /** Checked by `experimentErrors`: a list of experiments, each variant overriding config. */
  experiments: unknown = [];
}

const NUDGE_TYPE_LIST = { message: `must be a list of nudge types: ${NUDGE_TYPES.join(', ')}` };

export class PolicySection {
  /**
   * With ε > 0 each slot, with probability ε, goes to a uniformly drawn candidate or stays empty
   * with the slots after it.
   */
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  exploration_epsilon = 0;

  /** Types the engine never sends: neither their rules nor the models draft them. */
  @IsArray(NUDGE_TYPE_LIST)
  @IsIn(NUDGE_TYPES, { ...NUDGE_TYPE_LIST, each: true })
  disabled_types: NudgeType[] = [];

  /**
   * What orders the nudges: `propensity` (priority, rules before models, then score; a model
   * nudges from `ml_rules.nudge_probability_threshold`) or `uplift` (the predicted change in the
   * chance of the nudge's action, from an uplift model set).
   */
  @IsIn(MODEL_OBJECTIVES, { message: `must be one of ${MODEL_OBJECTIVES.join(', ')}` })
  objective: ModelObjective = 'propensity';

  /** With `objective` uplift: a nudge predicted to change the chance of its action by less is not sent. */
  @IsNumber(number, { message: 'must be a number from -1 to 1' })
  @Min(-1, { message: 'must be a number from -1 to 1' })
  @Max(1, { message: 'must be a number from -1 to 1' })
  min_uplift = 0;
}
