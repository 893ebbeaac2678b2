export interface HealthOptions {
  /** Readiness fails until the models are loaded (REQUIRE_MODELS). */
  readonly requireModels: boolean;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
