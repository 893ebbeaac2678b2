import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { ENGINE_CONFIG, EngineConfig } from '@app/engagement';
import { MlHealthIndicator, MlService } from '@app/ml';
import { HEALTH_MODULE_OPTIONS, HealthModuleOptions } from './health.module-definition';
import { VersionDto } from './version.dto';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: HealthModuleOptions,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly modelsIndicator: MlHealthIndicator,
    private readonly ml: MlService,
  ) {}

  /** The config is validated before the process accepts requests, so here it is always up. */
  private configIndicator(): HealthIndicatorResult {
    return this.indicators.check('config').up({ hash: this.config.hash });
  }

  /** Liveness: 200 while the process answers, rules-only mode included. */
  @Get('health')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.configIndicator(),
      () => this.modelsIndicator.check('models', { required: false }),
    ]);
  }

  /** Readiness: like liveness, but 503 without models when REQUIRE_MODELS=true. */
  @Get('health/ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'Models are required and not loaded.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.configIndicator(),
      () => this.modelsIndicator.check('models', { required: this.options.requireModels }),
    ]);
  }

  @Get('version')
  @ApiOkResponse({ type: VersionDto })
  version(): VersionDto {
    const status = this.ml.status();
    return {
      service: this.options.serviceName,
      version: this.options.version,
      model_version: status.modelVersion,
      mode: status.mode,
      config_hash: this.config.hash,
      tfjs: { package: status.tfjsPackage, backend: status.tfjsBackend },
    };
  }
}
