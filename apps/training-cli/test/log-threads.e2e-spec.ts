import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BUILT_CLI } from './run-cli';

const BUILT = join(BUILT_CLI, '..');

/** The modules a fresh Node process loads for these built files, as paths. */
function loadedBy(...files: string[]): string[] {
  const script = `${files.map((file) => `require(${JSON.stringify(join(BUILT, file))});`).join('')}
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/**
 * A thread that reads the logs, the outcomes' thread or `uplift`'s, is started per run and per
 * core: it loads the log readers and the tally, not the contract's DTOs (@nestjs/swagger,
 * class-validator) or the engine, tens of MB a thread (docs/closed-loop.md, "Threads").
 */
describe('the threads that read the closed loop logs', () => {
  it('load neither the DTOs nor the engine', () => {
    const sut = loadedBy(
      'closed-loop/uplift/log-stream.js',
      'closed-loop/uplift/partition-tally.js',
      'closed-loop/uplift/outcome-pass.js',
    );

    expect(sut.some((path) => path.endsWith('closed-loop/uplift/decision-pass.js'))).toBe(true);
    expect(
      sut.filter((path) =>
        /[/\\](@nestjs|class-validator|class-transformer|libs[/\\]engagement)[/\\]/.test(path),
      ),
    ).toEqual([]);
  });
});
