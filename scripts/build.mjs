// Builds both apps at once: each `nest build` is its own TypeScript compile into its own
// dist/apps/<app>, so on two cores the pair takes about as long as the slower one.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const nest = createRequire(import.meta.url).resolve('@nestjs/cli/bin/nest.js');

const codes = await Promise.all(
  ['api', 'training-cli'].map(
    (app) =>
      new Promise((resolve) =>
        spawn(process.execPath, [nest, 'build', app], { stdio: 'inherit' }).on('exit', (code) =>
          resolve(code ?? 1),
        ),
      ),
  ),
);
process.exitCode = codes.some((code) => code !== 0) ? 1 : 0;
