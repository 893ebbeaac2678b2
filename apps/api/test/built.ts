import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The API's build (`npm test` builds first): its files mirror the repository's. */
export const API_DIST = join(__dirname, '../../../dist/apps/api');

/** Node's own require, resolving as the built files do. */
const load = createRequire(join(API_DIST, 'package.json'));

/**
 * A module of the API's build, loaded by Node rather than by jest: `path` is its source path from
 * the repository root without extension (`apps/api/src/app.module`, `libs/ml/src`), or a package
 * the build uses (`@nestjs/testing`).
 *
 * The in-process e2e specs build the application from these: they test what `nest build` ships,
 * the swagger plugin's metadata included, and Node's module cache lets each jest worker load the
 * framework, tfjs and the application once for all its spec files, where jest would load them
 * again for every file. Take classes used as tokens (`app.get(MlService)`) from here too: the
 * source's classes are other objects.
 */
export function built<T>(path: string): T {
  return load(path.startsWith('@') ? path : join(API_DIST, path)) as T;
}
