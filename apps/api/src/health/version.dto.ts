import { ApiProperty } from '@nestjs/swagger';
import { HTTP_ADAPTERS, HttpAdapterName } from '../config/env.config';
import { COMMITTED_CONFIG_HASH } from '@app/contract';

export class TfjsInfoDto {
  /** The tfjs package serving the models. @example "@tensorflow/tfjs" */
  package!: string;
  /** The active tfjs backend: `tensorflow` (native) or `cpu` (pure JS). @example "cpu" */
  backend!: string;
}

export class VersionDto {
  /** @example "engagement-insight-engine" */
  service!: string;
  /** @example "1.0.0" */
  version!: string;
  /** Version of the loaded model set; null in rules-only mode. */
  @ApiProperty({ type: String, nullable: true })
  model_version!: string | null;
  /**
   * What the loaded models predict, and so how the engine ranks (config `policy.objective`):
   * `propensity` (who would act on a nudge) or `uplift` (what a nudge changes); null in
   * rules-only mode.
   */
  @ApiProperty({ enum: ['propensity', 'uplift'], nullable: true })
  model_objective!: 'propensity' | 'uplift' | null;
  /** `ml`, or `rules-only` when the models could not be loaded. */
  @ApiProperty({ enum: ['ml', 'rules-only'] })
  mode!: 'ml' | 'rules-only';
  /** First 16 hex digits of the SHA-256 of the effective config and message catalogs. */
  @ApiProperty({ example: COMMITTED_CONFIG_HASH })
  config_hash!: string;
  /** The HTTP framework serving this process (HTTP_ADAPTER). */
  @ApiProperty({ enum: HTTP_ADAPTERS })
  http_adapter!: HttpAdapterName;
  tfjs!: TfjsInfoDto;
}
