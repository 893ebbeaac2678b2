import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { CLOSED_LOOP_FILES } from '@app/contract';
import { CliUsageError } from '../../cli/cli-errors';
import { OPE_DEFAULTS } from '../ope/ope.service';
import {
  COMMITTED_STORIES,
  loadStoryFile,
  PLATFORM_DEFAULTS,
  PlatformService,
} from '../platform/platform.service';
import { PROMOTE_DEFAULTS, PromoteService } from '../promote/promote.service';
import { policyConfig, REPORT_POLICIES, ReportPolicy } from './closed-loop-policies';
import { RETRAIN_DEFAULTS, RetrainService } from '../retrain/retrain.service';
import { refusal } from '../promote/refusal';
import { CycleRun, SeedRun } from './cycles';
import { writeTrueEffectSet } from './true-effect-set';

export interface CyclesFlags {
  readonly config: string;
  readonly modelsDir: string;
  readonly workDir: string;
  readonly out: string;
  readonly stories: readonly string[];
  readonly seeds: number;
  readonly cycles: number;
  readonly users: number;
  readonly days: number;
  /** Exploration while a month of logs is made. */
  readonly epsilon: number;
  /** Also judge each month's controls with the story's true effects (writeTrueEffectSet). */
  readonly trueEffects: boolean;
}

/** The defaults are the benchmark's (npm run bench:uplift): 10,000 learners × 28 days, three stories, 5 seeds. */
export const CYCLES_DEFAULTS: CyclesFlags = {
  config: 'config/config.json',
  modelsDir: 'models',
  workDir: 'data/uplift-cycles',
  out: 'reports/uplift_cycles.md',
  stories: COMMITTED_STORIES,
  seeds: 5,
  cycles: 1,
  users: 10_000,
  days: 28,
  epsilon: 0.2,
  trueEffects: false,
};

/** What a run of the loop takes: the flags, with the base config read and no report path. */
export interface CyclesOptions extends Omit<CyclesFlags, 'config' | 'out'> {
  /** The base engine config (parsed); `modelsDir` holds the deployed models the loop starts from. */
  readonly base: Record<string, unknown>;
}

/** The runs say nothing: the tables are what they are for. */
const QUIET = (): void => undefined;

/** Every policy holds out the same 10% of learners, as the closed-loop report's do. */
const SAME_HOLDOUT = { holdout_percent: 10 };

const policy = (
  key: string,
  policyOverrides: Record<string, unknown>,
  models: ReportPolicy['models'] = 'deployed',
): ReportPolicy => ({
  key,
  label: key,
  overrides: { assignment: SAME_HOLDOUT, policy: policyOverrides },
  models,
});

/** The evaluation seeds are far from the months' seeds (seed × 100 + cycle), which never reach them. */
const EVALUATION_SEED_BASE = 1_000_000;

/**
 * The loop as a platform runs it, per story and seed: a month under the serving policy with
 * ε-exploration → `train --from-log --objective uplift` → `promote` (the candidate against the
 * serving set, off-policy on that month) → the next month under the winner. Every policy is
 * judged by its true lift (the twin simulation's `absolute_lift`) on one fresh seed, the same
 * for all of a seed's policies: no nudges (0 by construction), the seed report's rules-only
 * behaviour, today's propensity policy, and each cycle's uplift set.
 */
@Injectable()
export class CyclesService {
  constructor(
    private readonly platform: PlatformService,
    private readonly retrain: RetrainService,
    private readonly promoter: PromoteService,
  ) {}

  async run(options: CyclesOptions, say: (line: string) => void): Promise<SeedRun[]> {
    const work = options.workDir;
    await mkdir(work, { recursive: true });
    const rules = REPORT_POLICIES.find((p) => p.key === 'rules-no-fatigue')!;
    const configs = {
      propensity: policy('cycles-propensity', {}),
      uplift: policy('cycles-uplift', { objective: 'uplift' }),
      // Whether the learned policy wants the config's fatigue: the same set with none.
      upliftNoFatigue: {
        ...policy('cycles-uplift-no-fatigue', { objective: 'uplift' }),
        overrides: {
          assignment: SAME_HOLDOUT,
          policy: { objective: 'uplift' },
          fatigue: rules.overrides.fatigue as Record<string, unknown>,
        },
      },
      rules: { ...rules, key: 'cycles-rules' },
      loggingPropensity: policy('cycles-logging-propensity', {
        exploration_epsilon: options.epsilon,
      }),
      loggingUplift: policy('cycles-logging-uplift', {
        exploration_epsilon: options.epsilon,
        objective: 'uplift',
      }),
    };
    const configFile = (p: ReportPolicy) => join(work, `${p.key}.config.json`);
    for (const p of Object.values(configs)) {
      await writeFile(configFile(p), `${JSON.stringify(policyConfig(options.base, p), null, 2)}\n`);
    }
    const noModels = join(work, 'no-models');
    const trueLift = async (
      p: ReportPolicy,
      modelsDir: string,
      story: string,
      seed: number,
      outDir = join(work, 'evaluation'),
    ): Promise<number> => {
      const truth = await this.platform.simulate(
        {
          ...PLATFORM_DEFAULTS,
          users: options.users,
          days: options.days,
          seed,
          story,
          config: configFile(p),
          modelsDir,
          outDir,
        },
        QUIET,
      );
      return truth.absolute_lift;
    };

    const runs: SeedRun[] = [];
    for (const story of options.stories) {
      for (let seed = 1; seed <= options.seeds; seed++) {
        const name = `${basename(story, '.json')}, seed ${seed} of ${options.seeds}`;
        const evaluationSeed = EVALUATION_SEED_BASE + seed;
        say(`cycles: ${name}: the fixed policies`);
        const propensityLift = await trueLift(
          configs.propensity,
          options.modelsDir,
          story,
          evaluationSeed,
        );
        const rulesLift = await trueLift(configs.rules, noModels, story, evaluationSeed);
        // The serving set, replaced in place when a candidate is promoted.
        const serving = join(work, 'serving');
        await rm(serving, { recursive: true, force: true });
        await cp(options.modelsDir, serving, { recursive: true });
        let servingObjective: 'propensity' | 'uplift' = 'propensity';
        let servingLift = propensityLift;
        const cycles: CycleRun[] = [];
        for (let cycle = 1; cycle <= options.cycles; cycle++) {
          say(`cycles: ${name}: cycle ${cycle} of ${options.cycles}`);
          const month = join(work, 'month');
          const logging =
            servingObjective === 'uplift' ? configs.loggingUplift : configs.loggingPropensity;
          await trueLift(logging, serving, story, seed * 100 + cycle, month);
          const logs = {
            decisions: join(month, CLOSED_LOOP_FILES.decisions),
            outcomes: join(month, CLOSED_LOOP_FILES.outcomes),
          };
          const candidate = join(work, 'candidate');
          await rm(candidate, { recursive: true, force: true });
          const trained = await this.retrain
            .train(
              {
                ...RETRAIN_DEFAULTS,
                ...logs,
                objective: 'uplift',
                modelsDir: candidate,
                baselineModelsDir: serving,
              },
              QUIET,
            )
            .then(
              () => undefined,
              (error: unknown) => {
                if (error instanceof CliUsageError) return error.message;
                throw error;
              },
            );
          if (trained !== undefined) {
            cycles.push({
              cycle,
              candidateLift: null,
              noFatigueLift: null,
              trainingRefused: trained,
              promoted: false,
              decision: `no candidate: ${trained}`,
              servingLift,
              servingObjective,
            });
            continue;
          }
          const candidateLift = await trueLift(configs.uplift, candidate, story, evaluationSeed);
          const noFatigueLift = await trueLift(
            configs.upliftNoFatigue,
            candidate,
            story,
            evaluationSeed,
          );
          let trueEffectLift: number | undefined;
          if (options.trueEffects) {
            const trueSet = join(work, 'true-effects');
            await writeTrueEffectSet(candidate, await loadStoryFile(story), trueSet);
            trueEffectLift = await trueLift(configs.uplift, trueSet, story, evaluationSeed);
          }
          const decision = await this.promoter
            .promote(
              {
                ...OPE_DEFAULTS,
                ...logs,
                candidate,
                current: serving,
                config: configFile(configs.uplift),
                minGain: PROMOTE_DEFAULTS.minGain,
                loggingConfig: configFile(logging),
                loggingModelsDir: serving,
              },
              QUIET,
            )
            .then(
              (result) => result.decision,
              // Logs that cannot speak for the candidate are promote's refusal, not the loop's end.
              (error: unknown) => ({ promoted: false, reason: refusal(error) }),
            );
          if (decision.promoted) {
            servingObjective = 'uplift';
            servingLift = candidateLift;
          }
          cycles.push({
            cycle,
            candidateLift,
            noFatigueLift,
            ...(trueEffectLift === undefined ? {} : { trueEffectLift }),
            promoted: decision.promoted,
            decision: decision.reason,
            servingLift,
            servingObjective,
          });
        }
        runs.push({ story, seed, evaluationSeed, rulesLift, propensityLift, cycles });
      }
    }
    await writeFile(join(work, 'cycles.json'), `${JSON.stringify(runs, null, 2)}\n`);
    return runs;
  }
}
