import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;

export type TfPackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs';

export interface TfRuntime {
  readonly tf: Tf;
  readonly packageName: TfPackage;
  /** The tfjs backend in use: `tensorflow` (native) or `cpu` (pure JS). */
  readonly backend: string;
}

let runtime: TfRuntime | undefined;

function requireTf(packageName: TfPackage): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(packageName) as Tf;
}

/**
 * The native binding when `@tensorflow/tfjs-node` installed (an optional dependency), else the
 * pure-JS package. Loaded lazily and once: requiring tfjs is slow, and
 * validation-only callers never need it.
 */
export function tfRuntime(): TfRuntime {
  if (runtime !== undefined) return runtime;
  let tf: Tf;
  let packageName: TfPackage = '@tensorflow/tfjs-node';
  try {
    tf = requireTf(packageName);
  } catch {
    packageName = '@tensorflow/tfjs';
    tf = requireTf(packageName);
  }
  // Production mode skips tfjs's debug checks and its "install the node backend" console banner.
  tf.enableProdMode();
  tf.backend(); // initialises the default backend, so getBackend() can name it
  runtime = { tf, packageName, backend: tf.getBackend() };
  return runtime;
}
