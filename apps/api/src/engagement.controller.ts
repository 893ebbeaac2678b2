import { Controller, HttpCode, Post, Body } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { PinoLogger } from 'nestjs-pino';
import {
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementResponseDto,
  EngagementAnalysis,
  EngagementService,
  EXAMPLE_ANALYSIS,
  EXAMPLE_REQUEST,
  ValidRequest,
} from '@app/engagement';
import { AnalyzeRequestPipe } from './http/analyze-request.pipe';

@ApiTags('engagement')
@Controller('analyze-engagement')
export class EngagementController {
  constructor(
    private readonly engagement: EngagementService,
    private readonly logger: PinoLogger,
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
    examples: { 'SPEC example': { value: EXAMPLE_REQUEST } },
  })
  @ApiOkResponse({ type: AnalyzeEngagementResponseDto, example: EXAMPLE_ANALYSIS })
  @ApiBadRequestResponse({
    description: 'Malformed JSON or invalid fields, each named by its path.',
  })
  @ApiPayloadTooLargeResponse({ description: 'The body is over BODY_LIMIT.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json.' })
  analyze(@Body(AnalyzeRequestPipe) request: ValidRequest): EngagementAnalysis {
    const analysis = this.engagement.analyze(request);
    this.logger.assign({
      user_id: analysis.user_id,
      nudges: analysis.nudges.map((nudge) => nudge.type),
    });
    return analysis;
  }
}
