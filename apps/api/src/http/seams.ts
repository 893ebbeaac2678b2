import type { HttpAdapterName } from '../config/env.config';
import { EXPRESS_SEAM } from './express.seam';
import { FASTIFY_SEAM } from './fastify.seam';
import type { HttpSeam } from './http-seam';

const SEAMS: Readonly<Record<HttpAdapterName, HttpSeam>> = {
  express: EXPRESS_SEAM,
  fastify: FASTIFY_SEAM,
};

/** The seam of the adapter HTTP_ADAPTER names. */
export function seamFor(name: HttpAdapterName): HttpSeam {
  return SEAMS[name];
}
