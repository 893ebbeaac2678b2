import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module';
import { configureApp, createHttpStack, NEST_APP_OPTIONS } from '../src/platform/app.setup';
import { HTTP_SEAM, HttpSeam } from '../src/platform/http-seam';

/**
 * The real application, wired as main.ts wires it, with the given environment (quiet logs by
 * default) on the adapter HTTP_ADAPTER names: the e2e suite runs once per adapter. The environment is restored once the module is built.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] }).compile();
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
