import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { COMMITTED_CONFIG_HASH, COMMITTED_MODEL_VERSION } from '@app/contract';

const INDICATORS: ApiPropertyOptions = {
  type: 'object',
  description:
    'One entry per check: `config` and `models`; `decision_log` for liveness (always up, `degraded` while lines cannot be delivered); `shutdown` and `admission` for readiness.',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
  example: {
    config: { status: 'up', hash: COMMITTED_CONFIG_HASH },
    models: {
      status: 'up',
      mode: 'ml',
      version: COMMITTED_MODEL_VERSION,
      loaded: ['resume', 'project', 'quiz', 'event_fomo', 'comeback'],
    },
    decision_log: { status: 'up', mode: 'off' },
  },
};

/** What a health probe answers: each check's state, passing (`info`) or not (`error`). */
export class HealthReportDto {
  /** `ok` when every check is up (200); `error` otherwise (503). */
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  @ApiProperty({ ...INDICATORS, description: 'The checks that are up.' })
  info!: Record<string, { status: string }>;

  @ApiProperty({ ...INDICATORS, description: 'The checks that are down.', example: {} })
  error!: Record<string, { status: string }>;

  @ApiProperty(INDICATORS)
  details!: Record<string, { status: string }>;
}
