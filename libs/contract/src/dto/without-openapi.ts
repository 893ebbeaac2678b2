import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Module } from 'node:module';

/**
 * Imported first by the engine and scoring threads' scripts and by the training CLI, so that the
 * contract's DTOs load there without @nestjs/swagger.
 *
 * The DTO classes carry OpenAPI decorators, and every built `.dto.ts` file requires
 * @nestjs/swagger (the swagger compiler plugin adds the import). A thread only validates with
 * the classes' class-validator metadata and never builds the OpenAPI document, yet loading the
 * real module, and @nestjs/core and @nestjs/common with it, was about 250 ms of a thread's
 * 470 ms start on a 2-core VM, and 150 ms of the CLI's boot. Here @nestjs/swagger resolves to its own shim of no-op
 * decorators, the module Nest documents for sharing DTOs with code that must not load it;
 * class-validator's decorators run as ever. Should a later @nestjs/swagger move or drop the
 * shim, the real module loads: slower, the same answers.
 */
const SWAGGER = '@nestjs/swagger';

/** Node's resolver of CommonJS requests, which tools such as tsconfig-paths also wrap. */
interface Resolver {
  _resolveFilename: (this: unknown, request: string, ...rest: unknown[]) => string;
}

function useSwaggerShim(): void {
  const shim = join(dirname(require.resolve(SWAGGER)), 'extra', 'swagger-shim.js');
  if (!existsSync(shim)) return;
  const resolver = Module as unknown as Resolver;
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === SWAGGER ? shim : resolve.call(this, request, ...rest);
  };
}

useSwaggerShim();
