import { IsIn, IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_FOMO_SETTINGS } from '@app/fomo';
import { NUDGE_TYPES, NudgeType, PRIORITIES, Priority } from '@app/learner';
import { DEFAULT_RULES_CONFIG } from '@app/rules';
import { AssignmentSection, FatigueSection, PolicySection } from './policy-config.dto';
import { IsEventWords, MessagesSection, OverlapsSection } from './wording-config.dto';

const share = { message: 'must be a number from 0 to 1' };
const nonNegative = { message: 'must be a non-negative number' };
const positive = { message: 'must be a positive number' };
const days = { message: 'must be a non-negative whole number of days' };
const priority = { message: `must be one of ${PRIORITIES.join(', ')}` };
const number = { allowNaN: false, allowInfinity: false };
const section = { message: 'must be an object' };

class ProfileRulesSection {
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  resume_threshold = DEFAULT_RULES_CONFIG.profile_rules.resume_threshold;

  @IsNumber(number, nonNegative)
  @Min(0, nonNegative)
  projects_avg_threshold = DEFAULT_RULES_CONFIG.profile_rules.projects_avg_threshold;

  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  event_fomo_threshold = DEFAULT_RULES_CONFIG.profile_rules.event_fomo_threshold;
}

class EngagementRulesSection {
  @IsInt({ message: 'must be a positive integer' })
  @Min(1, { message: 'must be a positive integer' })
  buddies_event_threshold = DEFAULT_RULES_CONFIG.engagement_rules.buddies_event_threshold;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  event_peer_threshold = DEFAULT_RULES_CONFIG.engagement_rules.event_peer_threshold;

  @IsInt(days)
  @Min(0, days)
  quiz_inactive_days = DEFAULT_RULES_CONFIG.engagement_rules.quiz_inactive_days;

  @IsInt(days)
  @Min(0, days)
  user_inactive_days = DEFAULT_RULES_CONFIG.engagement_rules.user_inactive_days;

  @IsInt(days)
  @Min(0, days)
  event_gap_days = DEFAULT_RULES_CONFIG.engagement_rules.event_gap_days;
}

class MlRulesSection {
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  nudge_probability_threshold = 0.6;

  @IsIn(PRIORITIES, priority)
  priority: Priority = 'medium';
}

class PriorityLabelsSection implements Record<NudgeType, Priority> {
  @IsIn(PRIORITIES, priority) resume: Priority = 'high';
  @IsIn(PRIORITIES, priority) project: Priority = 'medium';
  @IsIn(PRIORITIES, priority) event_fomo: Priority = 'high';
  @IsIn(PRIORITIES, priority) quiz: Priority = 'medium';
  @IsIn(PRIORITIES, priority) comeback: Priority = 'high';
}

class FomoWeightsSection {
  @IsNumber(number, nonNegative) @Min(0, nonNegative) buddies =
    DEFAULT_FOMO_SETTINGS.weights.buddies;
  @IsNumber(number, nonNegative) @Min(0, nonNegative) batch = DEFAULT_FOMO_SETTINGS.weights.batch;
  @IsNumber(number, nonNegative) @Min(0, nonNegative) recency =
    DEFAULT_FOMO_SETTINGS.weights.recency;
}

class FomoLevelsSection {
  @IsNumber(number, share) @Min(0, share) @Max(1, share) medium =
    DEFAULT_FOMO_SETTINGS.levels.medium;
  @IsNumber(number, share) @Min(0, share) @Max(1, share) high = DEFAULT_FOMO_SETTINGS.levels.high;
}

class FomoSection {
  @IsObject(section)
  @ValidateNested(section)
  weights: FomoWeightsSection = new FomoWeightsSection();

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  batch_saturation = DEFAULT_FOMO_SETTINGS.batch_saturation;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  recency_days = DEFAULT_FOMO_SETTINGS.recency_days;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  steepness = DEFAULT_FOMO_SETTINGS.steepness;

  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  midpoint = DEFAULT_FOMO_SETTINGS.midpoint;

  @IsObject(section)
  @ValidateNested(section)
  levels: FomoLevelsSection = new FomoLevelsSection();
}

/**
 * config/config.json as a class-validator document: four rule sections plus optional additions,
 * each property initialised to its default, so a missing key takes the default.
 */
export class EngineConfigFile {
  @IsObject(section)
  @ValidateNested(section)
  profile_rules: ProfileRulesSection = new ProfileRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  engagement_rules: EngagementRulesSection = new EngagementRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  ml_rules: MlRulesSection = new MlRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  priority_labels: PriorityLabelsSection = new PriorityLabelsSection();

  @IsInt({ message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  @Min(1, { message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  @Max(NUDGE_TYPES.length, { message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  max_nudges = 3;

  @IsObject(section)
  @ValidateNested(section)
  fomo: FomoSection = new FomoSection();

  @IsObject(section)
  @ValidateNested(section)
  overlaps: OverlapsSection = new OverlapsSection();

  @IsObject(section)
  @ValidateNested(section)
  fatigue: FatigueSection = new FatigueSection();

  @IsObject(section)
  @ValidateNested(section)
  assignment: AssignmentSection = new AssignmentSection();

  @IsObject(section)
  @ValidateNested(section)
  policy: PolicySection = new PolicySection();

  @IsObject(section)
  @ValidateNested(section)
  messages: MessagesSection = new MessagesSection();

  /**
   * How words of event keys are written when an event has no display name: a lowercase word →
   * the same word in its own case (`"iit": "IIT"`, `"pydata": "PyData"`).
   */
  @IsEventWords()
  event_words: Record<string, string> = {};
}
