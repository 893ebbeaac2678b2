import type { IncomingMessage } from 'node:http';
import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import {
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementBatchResponseDto,
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementResponseDto,
  BatchResult,
  EngagementAnalysis,
  EngagementService,
  EXAMPLE_ANALYSIS,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
  ValidBatch,
  ValidRequest,
} from '@app/engagement';
import { NodeRequest } from '../platform/node-request';
import { AnalysisTelemetryService } from './analysis-telemetry.service';
import { AnalyzeBatchPipe } from './analyze-batch.pipe';
import { AnalyzeRequestPipe } from './analyze-request.pipe';

@ApiTags('engagement')
@ApiHeader({
  name: 'Accept-Language',
  required: false,
  description:
    'The language of titles, actions and reasons when the body has no `locale` (en, es, hi; others fall back to en).',
})
@Controller('analyze-engagement')
export class EngagementController {
  constructor(
    private readonly engagement: EngagementService,
    private readonly telemetry: AnalysisTelemetryService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Up to max_nudges prioritized, explained nudges for one learner',
    description:
      'Rules first (thresholds from config), then the event-FOMO score, then the models fill the remaining places; one nudge per type, ranked by priority, rule before ml, then score.',
  })
  @ApiBody({
    type: AnalyzeEngagementRequestDto,
    examples: {
      'example learner': { value: EXAMPLE_REQUEST },
      'with delivery history and a decision id': { value: EXAMPLE_HISTORY_REQUEST },
    },
  })
  @ApiOkResponse({ type: AnalyzeEngagementResponseDto, example: EXAMPLE_ANALYSIS })
  @ApiBadRequestResponse({
    description: 'Malformed JSON or invalid fields, each named by its path.',
  })
  @ApiPayloadTooLargeResponse({ description: 'The body is over BODY_LIMIT.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json.' })
  analyze(
    @Body(AnalyzeRequestPipe) request: ValidRequest,
    @NodeRequest() http: IncomingMessage,
    @Headers('accept-language') acceptLanguage?: string,
  ): EngagementAnalysis {
    return this.telemetry.analysis(http, this.engagement.analyze(request, acceptLanguage));
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Many learners in one call, answered in order',
    description:
      'Each item is a single analysis request, validated on its own: a bad item answers with its index and field errors and never fails the others. Items without as_of use the batch as_of (or today).',
  })
  @ApiBody({
    type: AnalyzeEngagementBatchRequestDto,
    examples: { 'two learners, one invalid': { value: EXAMPLE_BATCH_REQUEST } },
  })
  @ApiOkResponse({ type: AnalyzeEngagementBatchResponseDto })
  @ApiBadRequestResponse({
    description: 'The envelope is invalid (no items array, too many items, bad as_of).',
  })
  @ApiPayloadTooLargeResponse({ description: 'The body is over BATCH_BODY_LIMIT.' })
  analyzeBatch(
    @Body(AnalyzeBatchPipe) batch: ValidBatch,
    @NodeRequest() http: IncomingMessage,
    @Headers('accept-language') acceptLanguage?: string,
  ): { results: BatchResult[] } {
    const results = this.engagement.analyzeBatch(batch, acceptLanguage);
    return { results: this.telemetry.batch(http, results) };
  }
}
