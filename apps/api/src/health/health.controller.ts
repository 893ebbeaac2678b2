import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { ConfigHealthIndicator, LiveEngine } from '@app/engagement';
import { MlHealthIndicator, MlService } from '@app/ml';
import { API_KEY_SCHEME, ApiProblems } from '../docs/api-docs';
import { DecisionLog } from '../decision-log/decision-log.service';
import { APP_INFO } from '../config/app-info';
import { HealthReportDto } from './health-report.dto';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';
import { VersionDto } from './version.dto';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly configIndicator: ConfigHealthIndicator,
    private readonly modelsIndicator: MlHealthIndicator,
    private readonly ml: MlService,
    private readonly indicators: HealthIndicatorService,
    private readonly engine: LiveEngine,
    private readonly decisionLog: DecisionLog,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Liveness: 200 while the process answers, rules-only mode included. */
  @Get('health')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every check is up.' })
  @ApiProblems([400, 500])
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.configIndicator.check('config'),
      () => this.modelsIndicator.check('models', { required: false }),
      // Up even when degraded: a collector that is down must not restart a serving process.
      () => this.indicators.check('decision_log').up({ ...this.decisionLog.health() }),
    ]);
  }

  /**
   * Readiness: like liveness, but 503 while shutting down, without required models, or while
   * admission control refuses requests (and for a second after), so traffic goes elsewhere.
   */
  @Get('health/ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness: send traffic here' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Ready for traffic.' })
  @ApiServiceUnavailableResponse({
    type: HealthReportDto,
    description:
      'The service is shutting down, models are required and not loaded, or it is at capacity (`admission`).',
  })
  @ApiProblems([400, 500])
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.configIndicator.check('config'),
      () => this.modelsIndicator.check('models', { required: this.options.requireModels }),
      () => {
        const indicator = this.indicators.check('shutdown');
        return this.options.lifecycle.draining
          ? indicator.down({ draining: true })
          : indicator.up({ draining: false });
      },
      () => {
        const indicator = this.indicators.check('admission');
        const { admission } = this.options;
        const saturated = admission.saturation();
        return saturated !== undefined
          ? indicator.down({ saturated: true, ...saturated })
          : indicator.up({
              saturated: false,
              in_flight: admission.inFlight,
              batch_bytes_in_flight: admission.batchBytesInFlight,
            });
      },
    ]);
  }

  @Get('version')
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({
    operationId: 'getVersion',
    summary: 'What is running: package, model set, config hash, adapter, tfjs',
  })
  @ApiOkResponse({ type: VersionDto })
  @ApiProblems([400, 401, 429, 500])
  version(): VersionDto {
    const status = this.ml.status();
    return {
      service: APP_INFO.name,
      version: APP_INFO.version,
      model_version: status.modelVersion,
      model_objective: this.ml.models?.objective ?? null,
      mode: status.mode,
      config_hash: this.engine.config.hash,
      http_adapter: this.options.httpAdapter,
      tfjs: { package: status.tfjsPackage, backend: status.tfjsBackend },
    };
  }
}
