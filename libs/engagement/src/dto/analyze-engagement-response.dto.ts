import { ApiProperty } from '@nestjs/swagger';
import { NUDGE_TYPES, NudgeType, PRIORITIES, Priority } from '@app/learner';
import { EngagementAnalysis } from '../engine/analysis';
import { Nudge } from '../engine/nudges';

export class NudgeDto implements Nudge {
  @ApiProperty({ enum: NUDGE_TYPES, example: 'resume' })
  type!: NudgeType;

  /** @example "84% of your peers have uploaded resumes. You haven't yet!" */
  title!: string;

  /** @example "Upload your resume now" */
  action!: string;

  @ApiProperty({ enum: PRIORITIES, example: 'high' })
  priority!: Priority;

  /** `rule` for a deterministic rule, `ml` for a model's prediction. */
  @ApiProperty({ enum: ['rule', 'ml'], example: 'rule' })
  source!: 'rule' | 'ml';

  /** The rule's strength or the model's probability, 0..1, 2 decimals. @example 0.84 */
  score!: number;

  /** Why the nudge fired, in plain words. @example ["batch_resume_uploaded_pct 84 > threshold 70", "resume_uploaded is false"] */
  reasons!: string[];
}

export class FomoFactorsDto {
  /** @example 0.33 */
  buddies!: number;
  /** @example 0.7 */
  batch!: number;
  /** @example 0.53 */
  recency!: number;
}

export class FomoDto {
  /** @example 0.5 */
  score!: number;

  @ApiProperty({ enum: ['low', 'medium', 'high'], example: 'medium' })
  level!: 'low' | 'medium' | 'high';

  /** Null when the learner never attended an event. @example 16 */
  @ApiProperty({ type: Number, nullable: true, example: 16 })
  days_since_last_event!: number | null;

  factors!: FomoFactorsDto;
}

export class AnalyzeEngagementResponseDto implements EngagementAnalysis {
  /** @example "stu_7023" */
  user_id!: string;

  /** @example "generated" */
  @ApiProperty({ enum: ['generated'], example: 'generated' })
  status!: 'generated';

  /** @example "2025-06-30" */
  @ApiProperty({ format: 'date', example: '2025-06-30' })
  as_of!: string;

  /** At most `max_nudges`, one per type, most important first; empty for an engaged learner. */
  nudges!: NudgeDto[];

  fomo!: FomoDto;

  /** Version of the model set that scored this request; null in rules-only mode. */
  @ApiProperty({ type: String, nullable: true })
  model_version!: string | null;
}
