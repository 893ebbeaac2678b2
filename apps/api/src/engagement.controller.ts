import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import {
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementResponseDto,
  EngagementAnalysis,
  EngagementService,
  EXAMPLE_ANALYSIS,
  EXAMPLE_REQUEST,
  ValidRequest,
} from '@app/engagement';
import { AnalysisTelemetryInterceptor } from './http/analysis-telemetry.interceptor';
import { AnalyzeRequestPipe } from './http/analyze-request.pipe';

@ApiTags('engagement')
@Controller('analyze-engagement')
export class EngagementController {
  constructor(private readonly engagement: EngagementService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Up to max_nudges prioritized, explained nudges for one learner',
    description:
      'Rules first (thresholds from config), then the event-FOMO score, then the models fill the remaining places; one nudge per type, ranked by priority, rule before ml, then score.',
  })
  @ApiBody({
    type: AnalyzeEngagementRequestDto,
    examples: { 'SPEC example': { value: EXAMPLE_REQUEST } },
  })
  @ApiOkResponse({ type: AnalyzeEngagementResponseDto, example: EXAMPLE_ANALYSIS })
  @ApiBadRequestResponse({
    description: 'Malformed JSON or invalid fields, each named by its path.',
  })
  @ApiPayloadTooLargeResponse({ description: 'The body is over BODY_LIMIT.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json.' })
  @UseInterceptors(AnalysisTelemetryInterceptor)
  analyze(@Body(AnalyzeRequestPipe) request: ValidRequest): EngagementAnalysis {
    return this.engagement.analyze(request);
  }
}
