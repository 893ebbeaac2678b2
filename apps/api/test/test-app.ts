import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from '../src/platform/app.setup';

/**
 * The real application, wired as main.ts wires it, with the given environment (quiet logs by
 * default). The environment is restored once the module is built.
 */
export async function createTestApp(
  env: Record<string, string> = {},
): Promise<NestFastifyApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      createAdapter(),
      NEST_APP_OPTIONS,
    );
    configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } finally {
    process.env = saved;
  }
}
