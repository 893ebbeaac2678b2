import type { HttpAdapterName } from '../config/env.config';
import type { Admission } from '../front-door/admission.gate';
import { Lifecycle } from '../process/lifecycle';

export interface HealthOptions {
  /** Readiness fails until the models are loaded (REQUIRE_MODELS). */
  readonly requireModels: boolean;
  /** Set by the signal handler: readiness fails from the moment shutdown begins. */
  readonly lifecycle: Lifecycle;
  /** The HTTP framework serving (HTTP_ADAPTER), reported by /version. */
  readonly httpAdapter: HttpAdapterName;
  /** Readiness fails while admission control refuses requests. */
  readonly admission: Admission;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
