import { ApiExtraModels, ApiProperty, getSchemaPath, PickType } from '@nestjs/swagger';
import {
  COMPACT_ANALYSIS_KEYS,
  COMPACT_NUDGE_KEYS,
  CompactAnalysis,
  CompactNudge,
} from '../answer/view';
import { AnalyzeEngagementResponseDto, NudgeDto } from './analyze-engagement-response.dto';
import { BatchItemErrorDto } from './analyze-engagement-batch.dto';

/** A nudge of the compact view (`?view=compact`): no reasons, evidence, source or score. */
export class CompactNudgeDto
  extends PickType(NudgeDto, COMPACT_NUDGE_KEYS)
  implements CompactNudge {}

/**
 * The compact view of an answer (`?view=compact`): what a client shows and logs, without the
 * explanation (reasons, evidence, candidates, suppressed nudges, FOMO score, `would_have_sent`).
 */
export class CompactAnalysisResponseDto
  extends PickType(AnalyzeEngagementResponseDto, COMPACT_ANALYSIS_KEYS)
  implements CompactAnalysis
{
  /** At most `max_nudges`, most important first; empty for an engaged or held-out learner. */
  nudges!: CompactNudgeDto[];
}

/** A batch item answered in the compact view. */
export class BatchCompactAnalysisDto extends CompactAnalysisResponseDto {
  @ApiProperty({ enum: ['analysis'], example: 'analysis' })
  kind!: 'analysis';
}

@ApiExtraModels(BatchCompactAnalysisDto, BatchItemErrorDto)
export class AnalyzeEngagementCompactBatchResponseDto {
  /** One entry per item, in the same order, as in the full view. */
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(BatchCompactAnalysisDto) },
        { $ref: getSchemaPath(BatchItemErrorDto) },
      ],
      discriminator: {
        propertyName: 'kind',
        mapping: {
          analysis: getSchemaPath(BatchCompactAnalysisDto),
          error: getSchemaPath(BatchItemErrorDto),
        },
      },
    },
  })
  results!: (BatchCompactAnalysisDto | BatchItemErrorDto)[];
}
