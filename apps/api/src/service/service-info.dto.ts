export class ServiceInfoDto {
  /** @example "engagement-insight-engine" */
  service!: string;
  /** @example "1.0.0" */
  version!: string;
  /** `ok`, or `degraded` when serving rules only. @example "ok" */
  status!: 'ok' | 'degraded';
  /** @example "/docs" */
  docs!: string;
}
