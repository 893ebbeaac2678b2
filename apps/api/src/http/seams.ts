import type { HttpAdapterName } from '../config/env.config';
import type { HttpSeam } from './http-seam';

/**
 * Each seam is loaded when first asked for: a process serves on one adapter, and loading the
 * other's framework costs a quarter of a second of start-up, in every worker.
 */
const LOADERS: Readonly<Record<HttpAdapterName, () => HttpSeam>> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  express: () => (require('./express.seam') as typeof import('./express.seam')).EXPRESS_SEAM,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fastify: () => (require('./fastify.seam') as typeof import('./fastify.seam')).FASTIFY_SEAM,
};

/** The seam of the adapter HTTP_ADAPTER names. */
export function seamFor(name: HttpAdapterName): HttpSeam {
  return LOADERS[name]();
}
