/**
 * The media type Prometheus scrapes. Apart from the controller, so the cluster supervisor can
 * answer /metrics without loading Nest and swagger.
 */
export const METRICS_TYPE = 'text/plain; version=0.0.4';
