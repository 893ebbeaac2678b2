import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module';
import { BATCH_WORKER_SCRIPT } from '../src/engagement/batch-threads';
import { configureApp, createHttpStack, NEST_APP_OPTIONS } from '../src/app.setup';
import { HTTP_SEAM, HttpSeam } from '../src/http/http-seam';

const BUILT_BATCH_WORKER = join(
  __dirname,
  '../../../dist/apps/api/apps/api/src/engagement/batch.worker.js',
);

/**
 * The real application, wired as main.ts wires it, with the given environment (quiet logs by
 * default) on the adapter HTTP_ADAPTER names: the e2e suite runs once per adapter. The environment is restored once the module is built.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] })
      // Batch threads run compiled JavaScript: the build's copy (`npm test` builds first).
      .overrideProvider(BATCH_WORKER_SCRIPT)
      .useValue(BUILT_BATCH_WORKER)
      .compile();
    const http = createHttpStack();
    const app = moduleRef.createNestApplication(http.adapter, NEST_APP_OPTIONS);
    configureApp(app, http.door);
    await app.init();
    await app.get<HttpSeam>(HTTP_SEAM).ready(app);
    return app;
  } finally {
    process.env = saved;
  }
}
