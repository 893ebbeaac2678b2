import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { CLOSED_LOOP_FILES } from '@app/contract';
import { OPE_DEFAULTS, OpeService } from '../ope/ope.service';
import { PLATFORM_DEFAULTS, PlatformService } from '../platform/platform.service';
import { policyConfig, ReportPolicy } from '../cycles/closed-loop-policies';
import { CoverageRun, OPE_CANDIDATES, OPE_LOGGING_POLICY } from './ope-coverage';
import { refusal } from '../promote/refusal';

export interface OpeCoverageOptions {
  readonly base: Record<string, unknown>;
  readonly modelsDir: string;
  readonly workDir: string;
  readonly stories: readonly string[];
  readonly seeds: number;
  readonly users: number;
}

/** The runs say nothing: the report is what they are for. */
const QUIET = (): void => undefined;

/**
 * Runs the off-policy coverage grid: for each story and seed, one day of the logging policy and
 * one of each candidate on the same learners (the candidate's truth), then `ope` of each
 * candidate on the logging policy's logs.
 */
@Injectable()
export class OpeCoverageService {
  constructor(
    private readonly platform: PlatformService,
    private readonly ope: OpeService,
  ) {}

  async run(options: OpeCoverageOptions, say: (line: string) => void): Promise<CoverageRun[]> {
    const configFile = (policy: ReportPolicy) => join(options.workDir, `${policy.key}.config.json`);
    for (const policy of [OPE_LOGGING_POLICY, ...OPE_CANDIDATES]) {
      const config = policyConfig(options.base, policy);
      await writeFile(configFile(policy), `${JSON.stringify(config, null, 2)}\n`);
    }
    const simulate = (policy: ReportPolicy, story: string, seed: number, outDir: string) =>
      this.platform.simulate(
        {
          ...PLATFORM_DEFAULTS,
          users: options.users,
          days: 1,
          seed,
          story,
          config: configFile(policy),
          modelsDir: options.modelsDir,
          outDir,
        },
        QUIET,
      );
    const runs: CoverageRun[] = [];
    for (const story of options.stories) {
      for (let seed = 1; seed <= options.seeds; seed++) {
        say(`off-policy coverage, ${story}, seed ${seed} of ${options.seeds}`);
        const logged = join(options.workDir, 'ope-logging');
        await simulate(OPE_LOGGING_POLICY, story, seed, logged);
        for (const candidate of OPE_CANDIDATES) {
          const truth = await simulate(
            candidate,
            story,
            seed,
            join(options.workDir, 'ope-candidate'),
          );
          const estimates = await this.ope
            .evaluate(
              {
                ...OPE_DEFAULTS,
                decisions: join(logged, CLOSED_LOOP_FILES.decisions),
                outcomes: join(logged, CLOSED_LOOP_FILES.outcomes),
                config: configFile(candidate),
                modelsDir: options.modelsDir,
                loggingConfig: configFile(OPE_LOGGING_POLICY),
                loggingModelsDir: options.modelsDir,
              },
              QUIET,
            )
            .then(
              ({ report }): CoverageRun['estimates'] => ({
                ips: report.ips,
                snips: report.snips,
                dr: report.dr,
                diagnostics: report.diagnostics,
              }),
              (error: unknown) => ({ refused: refusal(error) }),
            );
          runs.push({
            story,
            seed,
            candidate: candidate.key,
            truth: truth.policy_value as number,
            estimates,
          });
        }
      }
    }
    // Every run's numbers, for a reader who wants more than the report's table.
    await writeFile(
      join(options.workDir, 'ope-coverage.json'),
      `${JSON.stringify(runs, null, 2)}\n`,
    );
    return runs;
  }
}
