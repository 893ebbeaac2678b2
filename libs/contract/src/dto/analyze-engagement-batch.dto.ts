import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsArray, IsDefined, IsOptional } from 'class-validator';
import { IsCalendarDate, IsLocaleTag } from '../validators/custom-validators';
import { AnalyzeEngagementRequestDto } from './analyze-engagement-request.dto';
import { AnalyzeEngagementResponseDto } from './analyze-engagement-response.dto';
import { PROBLEMS, REQUEST_LIMITS } from '../request/limits';

export class AnalyzeEngagementBatchRequestDto {
  /** `as_of` for every item that has none of its own; today's UTC date when absent. @example "2025-06-30" */
  @IsOptional()
  @IsCalendarDate()
  @ApiProperty({ format: 'date', required: false, type: String })
  as_of?: string;

  /** `locale` for every item that has none of its own; the Accept-Language header when absent. @example "es" */
  @IsOptional()
  @ApiProperty({ required: false, type: String, maxLength: REQUEST_LIMITS.localeLength })
  @IsLocaleTag()
  locale?: string;

  /** Single-user requests (at most BATCH_MAX_ITEMS); each is validated on its own. */
  @IsDefined({ message: PROBLEMS.required })
  @IsArray({ message: 'must be an array of analysis requests' })
  @ApiProperty({ type: [AnalyzeEngagementRequestDto] })
  items!: unknown[];
}

export class FieldErrorDto {
  /** @example "user_data.profile.karma" */
  path!: string;
  /** @example "user_data.profile.karma must be a non-negative integer" */
  message!: string;
}

/**
 * RFC 9457 problem details, the body of every error (`application/problem+json`) and of a
 * failed batch item.
 */
export class ProblemDto {
  /**
   * `tag:engagement-insight-engine,2026:invalid-request` when fields failed validation (then
   * `errors` lists them); `about:blank` otherwise, meaning the HTTP status says it all.
   * @example "tag:engagement-insight-engine,2026:invalid-request"
   */
  type!: string;
  /** The HTTP status phrase. @example "Bad Request" */
  title!: string;
  /** The HTTP status code. @example 400 */
  status!: number;
  /** What went wrong with this request. @example "invalid request: 1 field failed validation" */
  detail!: string;
  /** Every field that failed validation, by its full path (invalid-request problems only). */
  errors?: FieldErrorDto[];
}

/** A batch item answered: the single answer, with `kind` to tell it from a failed item. */
export class BatchAnalysisDto extends AnalyzeEngagementResponseDto {
  @ApiProperty({ enum: ['analysis'], example: 'analysis' })
  kind!: 'analysis';
}

/** A batch item that failed validation; the others are answered regardless. */
export class BatchItemErrorDto {
  @ApiProperty({ enum: ['error'], example: 'error' })
  kind!: 'error';
  /** Position of the item in `items`. @example 1 */
  index!: number;
  error!: ProblemDto;
}

@ApiExtraModels(BatchAnalysisDto, BatchItemErrorDto)
export class AnalyzeEngagementBatchResponseDto {
  /**
   * One entry per item, in the same order: the analysis (`kind: "analysis"`), or the item's
   * validation error (`kind: "error"`).
   */
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(BatchAnalysisDto) },
        { $ref: getSchemaPath(BatchItemErrorDto) },
      ],
      discriminator: {
        propertyName: 'kind',
        mapping: {
          analysis: getSchemaPath(BatchAnalysisDto),
          error: getSchemaPath(BatchItemErrorDto),
        },
      },
    },
  })
  results!: (BatchAnalysisDto | BatchItemErrorDto)[];
}
