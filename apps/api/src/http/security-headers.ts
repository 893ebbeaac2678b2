import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * Swagger UI loads its own script and stylesheet and inlines a little CSS and images; everything
 * else stays at helmet's strict defaults. The service is often reached over plain HTTP inside a
 * cluster, where upgrading requests would break /docs.
 */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      scriptSrc: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
};

/** Runs helmet once against a recording response and returns the headers it sets. */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

/**
 * Helmet's headers for every response. Without nonces they never change, so they are computed
 * once rather than running helmet (and re-parsing its CSP) on every request.
 */
export const SECURITY_HEADERS = helmetHeaders(HELMET_OPTIONS);
