import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import {
  OPTIONS,
  PARSE_OPTION,
  parseFilePath,
  parseFilePaths,
  parseInteger,
} from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';
import { cyclesMarkdown } from './cycles-markdown';
import { CYCLES_DEFAULTS, CyclesFlags, CyclesService } from './cycles.service';

/** The header: what ran, so the tables can be reproduced. */
export function cyclesHeader(flags: CyclesFlags): string[] {
  return [
    '# Uplift against propensity: the loop, cycle by cycle',
    '',
    `Written by \`uplift-cycles --users ${flags.users} --days ${flags.days} --seeds ${flags.seeds} --cycles ${flags.cycles} --epsilon ${flags.epsilon} --stories ${flags.stories.join(',')}${flags.trueEffects ? ' --true-effects' : ''}\` (\`npm run bench:uplift\` runs its defaults). Per story and seed: a month (${flags.days} days, ${flags.users} learners) under the serving policy with ε = ${flags.epsilon} and a 10% holdout, \`train --from-log --objective uplift\` on it, \`promote\` of that set against the serving one (min gain 0), and the next month under the winner. Every policy's true lift comes from one evaluation run per seed on a seed no month used, the same for all of that seed's policies.`,
    '',
  ];
}

/**
 * `uplift-cycles`: the closed loop run as a platform would, on several stories and seeds, and
 * the true lift of every policy it passes through (docs/closed-loop.md, "Uplift against
 * propensity"). Long at its defaults: a benchmark, not a test.
 */
@Command({
  name: 'uplift-cycles',
  description:
    'run the loop (month with exploration → train uplift models → promote → next month) per story and seed and table every policy’s true lift',
})
export class CyclesCommand extends CliCommand {
  constructor(
    private readonly progress: ProgressService,
    private readonly cycles: CyclesService,
  ) {
    super();
  }

  async run(_args: string[], given: Partial<CyclesFlags>): Promise<void> {
    const flags = { ...CYCLES_DEFAULTS, ...given };
    const started = process.hrtime.bigint();
    const base = JSON.parse(await readFile(flags.config, 'utf8')) as Record<string, unknown>;
    const runs = await this.cycles.run({ ...flags, base }, (step) =>
      process.stderr.write(`… ${step}\n`),
    );
    await mkdir(dirname(flags.out), { recursive: true });
    await writeFile(flags.out, [...cyclesHeader(flags), ...cyclesMarkdown(runs)].join('\n'));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.progress.summary(`uplift-cycles: ${flags.out} in ${seconds.toFixed(0)} s`);
  }

  @Option({ flags: '--config <path>', description: 'the base engine config' })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    ...OPTIONS.modelsDir,
    description: 'the deployed (propensity) models the loop starts from',
  })
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({ flags: '--work-dir <path>', description: 'where the runs write their logs and sets' })
  parseWorkDir(value: string): string {
    return value;
  }

  @Option({ flags: '--out <path>', description: 'the markdown report (reports/uplift_cycles.md)' })
  parseOut(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--stories <paths>',
    description: 'comma-separated story files (the three committed stories)',
  })
  parseStories(value: string): string[] {
    return parseFilePaths(value);
  }

  @Option({ flags: '--seeds <count>', description: 'seeds per story (5)' })
  parseSeeds(value: string): number {
    return parseInteger(value, 1, 100);
  }

  @Option({ flags: '--cycles <count>', description: 'months per seed (1)' })
  parseCycles(value: string): number {
    return parseInteger(value, 1, 12);
  }

  @Option({ flags: '--users <count>', description: 'learners per run (10000)' })
  parseUsers(value: string): number {
    return parseInteger(value, 10, 1_000_000);
  }

  @Option({ flags: '--days <count>', description: 'days per month (28)' })
  parseDays(value: string): number {
    return parseInteger(value, 8, 366);
  }

  @Option({
    flags: '--true-effects',
    description:
      "also judge each month's controls plus the story's true effects: the best this model class can learn",
  })
  parseTrueEffects(): boolean {
    return true;
  }

  @Option({
    flags: '--epsilon <share>',
    description: 'exploration while logging, above 0 to 1 (0.2)',
  })
  parseEpsilon(value: string): number {
    const epsilon = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!(epsilon > 0 && epsilon <= 1))
      throw new InvalidArgumentError('Expected a number above 0, at most 1.');
    return epsilon;
  }
}
