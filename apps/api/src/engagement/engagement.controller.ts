import type { IncomingMessage, ServerResponse } from 'node:http';
import { Body, Controller, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  ANALYSIS_VIEWS,
  AnalysisView,
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementBatchResponseDto,
  AnalyzeEngagementCompactBatchResponseDto,
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementResponseDto,
  CompactAnalysisResponseDto,
  problem,
  EXAMPLE_ANALYSIS,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
} from '@app/contract';
import { API_KEY_SCHEME, ApiProblems } from '../docs/api-docs';
import { sendProblem } from '../errors/problem-response';
import { NodeRequest, NodeResponse } from '../http/node-request';
import { AnalysisTelemetryService } from './analysis-telemetry.service';
import { BatchService } from './batch.service';
import { AnalyzeService } from './analyze.service';
import { ViewPipe } from './view.pipe';

const ANSWER_TYPE = 'application/json; charset=utf-8';

@ApiTags('engagement')
@ApiSecurity(API_KEY_SCHEME)
// Read from the request itself: a @Headers() parameter would be documented as required.
@ApiHeader({
  name: 'accept-language',
  required: false,
  description:
    'The language of titles, actions and reasons when the body has no `locale` (en, es, hi; others fall back to en).',
})
// Both views of both endpoints, for the answers' anyOf.
@ApiExtraModels(
  AnalyzeEngagementResponseDto,
  CompactAnalysisResponseDto,
  AnalyzeEngagementBatchResponseDto,
  AnalyzeEngagementCompactBatchResponseDto,
)
@ApiQuery({
  name: 'view',
  required: false,
  enum: ANALYSIS_VIEWS,
  description:
    "`full` (the default): every nudge explained (reasons, evidence), with the candidates, the suppressed nudges and the FOMO score. `compact`: the decision id, assignment, policy version and each nudge's type, title, action, priority, rank, propensity, message key and params, for a client that does not show the explanation.",
})
@Controller('analyze-engagement')
export class EngagementController {
  constructor(
    private readonly singles: AnalyzeService,
    private readonly telemetry: AnalysisTelemetryService,
    private readonly batches: BatchService,
  ) {}

  @Post()
  @HttpCode(200)
  // The answer is JSON already, made where the engine answered it.
  @Header('content-type', ANSWER_TYPE)
  @ApiOperation({
    operationId: 'analyzeEngagement',
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
  @ApiOkResponse({
    description: 'The full view, or the compact one with `view=compact`.',
    schema: {
      anyOf: [
        { $ref: getSchemaPath(AnalyzeEngagementResponseDto) },
        { $ref: getSchemaPath(CompactAnalysisResponseDto) },
      ],
    },
    example: EXAMPLE_ANALYSIS,
  })
  @ApiProblems([400, 401, 413, 415, 429, 500], {
    400: 'Malformed JSON, an invalid URL, or invalid fields (type `…:invalid-request`, each field named by its path in `errors`).',
  })
  async analyze(
    // The bytes as received (RawJsonBody): AnalyzeService parses them, off the event loop.
    @Body() body: unknown,
    @Query('view', ViewPipe) view: AnalysisView,
    @NodeRequest() http: IncomingMessage,
  ): Promise<string> {
    const answer = await this.singles.answer(body, http.headers['accept-language'], view);
    this.telemetry.analysis(http, answer.summary);
    return answer.json;
  }

  @Post('batch')
  @HttpCode(200)
  // The answer is JSON already (BatchAnswerWriter), sent as its chunks of bytes.
  @Header('content-type', ANSWER_TYPE)
  @ApiOperation({
    operationId: 'analyzeEngagementBatch',
    summary: 'Many learners in one call, answered in order',
    description:
      'Each item is a single analysis request, validated on its own: a bad item answers with its index and field errors and never fails the others. Items without as_of use the batch as_of (or today).',
  })
  @ApiBody({
    type: AnalyzeEngagementBatchRequestDto,
    description:
      'An item that fails validation does not fail the batch: its entry in `results` is `{kind: "error", index, error}` with the problem details a single request would get; an answered one is the single answer with `kind: "analysis"`.',
    examples: { 'two learners': { value: EXAMPLE_BATCH_REQUEST } },
  })
  @ApiOkResponse({
    description: 'Each answered item in the full view, or the compact one with `view=compact`.',
    schema: {
      anyOf: [
        { $ref: getSchemaPath(AnalyzeEngagementBatchResponseDto) },
        { $ref: getSchemaPath(AnalyzeEngagementCompactBatchResponseDto) },
      ],
    },
  })
  @ApiProblems([400, 401, 413, 415, 429, 500], {
    400: 'Malformed JSON, an invalid URL, or an invalid envelope (no items array, too many items, a bad as_of). Invalid items are not a 400: each answers in `results` with its index and problem details.',
  })
  async analyzeBatch(
    // The bytes as received (RawJsonBody): BatchService parses them, off the event loop.
    @Body() body: unknown,
    @Query('view', ViewPipe) view: AnalysisView,
    @NodeRequest() http: IncomingMessage,
    @NodeResponse() response: ServerResponse,
  ): Promise<StreamableFile> {
    const answer = await this.batches.answer(body, http.headers['accept-language'], view);
    // The chunks may be read from memory the batch thread writes again once released: once the
    // response has sent them, or closed without.
    if (response.closed) answer.release();
    else response.once('close', () => answer.release());
    // Tallied once the last chunk is written, before the response ends and its line is logged.
    answer.tally.then(
      (tally) => this.telemetry.batch(http, tally),
      () => undefined,
    );
    // Sent as the chunks come: the answer, several times the batch's size, is never held whole.
    const file = new StreamableFile(answer.body, { type: ANSWER_TYPE });
    // A thread that fails midway leaves the client a connection cut off, never a JSON that looks
    // whole; before the first byte is sent, a 500 (the exception filter's problem details).
    file.setErrorHandler((_error, response) => {
      const raw = response as unknown as ServerResponse;
      if (raw.destroyed) return;
      if (raw.headersSent) return void raw.destroy();
      sendProblem(raw, problem(500, 'internal error'));
    });
    return file;
  }
}
