import { writeFileSync } from 'node:fs';
import { createApp } from './app.setup';
import { buildOpenApiDocument } from './docs/swagger';

/**
 * `npm run openapi`: writes the OpenAPI document of the app as the committed config and models
 * and the default environment make it, to the path given (docs/openapi.json), without listening.
 */
async function main(): Promise<void> {
  const [target] = process.argv.slice(2);
  if (target === undefined) throw new Error('usage: openapi <output.json>');
  process.env.LOG_LEVEL = 'silent';
  const app = await createApp();
  await app.init();
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${(error as Error).message}\n`);
  process.exit(1);
});
