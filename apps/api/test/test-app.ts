import type { INestApplication } from '@nestjs/common';
import type * as Testing from '@nestjs/testing';
import type * as AppModuleFile from '../src/app.module';
import type * as AppSetup from '../src/app.setup';
import type * as HttpSeamFile from '../src/http/http-seam';
import { built } from './built';

const { Test } = built<typeof Testing>('@nestjs/testing');
const { AppModule } = built<typeof AppModuleFile>('apps/api/src/app.module');
const { configureApp, createHttpStack, NEST_APP_OPTIONS } =
  built<typeof AppSetup>('apps/api/src/app.setup');
const { HTTP_SEAM } = built<typeof HttpSeamFile>('apps/api/src/http/http-seam');

/**
 * The built application (see `built`), wired as main.ts wires it, with the given environment
 * (quiet logs by default) on the adapter HTTP_ADAPTER names: the e2e suite runs once per adapter.
 * The environment is restored once the module is built.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot()],
    }).compile();
    const http = createHttpStack();
    const app = moduleRef.createNestApplication(http.adapter, NEST_APP_OPTIONS);
    configureApp(app, http.door);
    await app.init();
    await app.get<HttpSeamFile.HttpSeam>(HTTP_SEAM).ready(app);
    return app;
  } finally {
    process.env = saved;
  }
}
