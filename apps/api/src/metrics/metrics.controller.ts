import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { API_KEY_SCHEME, ApiProblems } from '../docs/api-docs';
import { METRICS_TYPE } from './metrics-type';
import { MetricsService } from './metrics.service';

@ApiTags('service')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', `${METRICS_TYPE}; charset=utf-8`)
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics of this process' })
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4 (open without a key when PUBLIC_DOCS).',
    content: { [METRICS_TYPE]: { schema: { type: 'string' } } },
  })
  @ApiProblems([400, 401, 500])
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
