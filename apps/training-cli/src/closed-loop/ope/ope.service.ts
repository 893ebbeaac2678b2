import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import { EngineState, PortableEngineState } from '@app/engagement';
import { loadModelSet, ModelSet } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { configWithObjective, requireServable } from '../../cli/engine-config';
import { ONE_SHARD } from '../../cli/learner-partitions';
import { LogPaths, resolveLogs } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { writePartialFile } from '../../cli/sharded-run';
import { writeHtmlPage } from '../../cli/text-file-writer';
import { requireOverlap } from '../uplift/uplift-stream';
import { placeLine } from '../uplift/uplift-tally';
import { copiesWarning } from '../uplift/uplift-text';
import { opeHtml } from './ope-html';
import { opeReport, OpeReport, OpeSettings } from './ope';
import { tallyOpe } from './ope-logs';
import { OpeRun, opePartialJson } from './ope-partial';
import { OpeTally, served } from './ope-tally';
import { requireSupport } from './support';

/** A policy as flags name it: an engine config and a models folder. */
export interface PolicyFlags {
  readonly config: string;
  readonly modelsDir: string;
}

export interface OpeRequest {
  readonly decisions: LogPaths;
  readonly outcomes: LogPaths;
  /** The candidate policy. */
  readonly config: string;
  readonly modelsDir: string;
  /** The policy that made the logs. */
  readonly loggingConfig: string;
  readonly loggingModelsDir: string;
  /** The policy the candidate is compared with; the logging policy when absent. */
  readonly baseline?: string;
  readonly baselineModelsDir?: string;
  readonly clip: number;
  readonly rewardDays: number;
  readonly bootstrap: number;
  readonly folds: number;
  readonly seed: number;
  /** Where to write the report as a self-contained HTML page, if anywhere. */
  readonly html?: string;
  /**
   * Run each policy with `policy.objective` set to its model set's objective, its config being
   * otherwise as given: promote compares a propensity set with an uplift set under one config.
   */
  readonly objectiveFromModels?: boolean;
  /** Threads that read the decisions log at once; the CPUs available by default. */
  readonly threads?: number;
}

/** The flags' defaults: `ope` and closed-loop-report run with these. */
export const OPE_DEFAULTS = {
  clip: 100,
  rewardDays: 1,
  bootstrap: 1000,
  folds: 5,
  seed: 1,
  loggingConfig: 'config/config.json',
  loggingModelsDir: 'models',
} as const;

export interface OpeResult {
  readonly report: OpeReport;
  /** The candidate as the report names it: its config, and its models or `rules only`. */
  readonly candidate: string;
}

/** As the API does, a model set that does not load leaves the policy on rules alone. */
async function loadModels(
  flag: string,
  dir: string,
  warn: (line: string) => void,
): Promise<ModelSet | undefined> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    warn(`warning: ${flag} ${dir}: ${(error as Error).message}; that policy runs on rules only`);
    return undefined;
  }
}

const policyName = (config: string, models: ModelSet | undefined) =>
  `${config} (${models === undefined ? 'rules only' : `models ${models.version}`})`;

/** A policy loaded: its state, as plain data for the threads, and its name in the report. */
interface LoadedPolicy {
  readonly state: EngineState;
  readonly portable: PortableEngineState;
  readonly name: string;
}

/**
 * `ope`: what a candidate policy (a config and a model set) would have earned on the decisions
 * another policy made, and how that compares with a baseline, from the decisions and outcomes
 * logs (docs/closed-loop.md). Any problem in the logs, the configs, or the logs' support for
 * the candidate is a usage error naming the file and line.
 */
@Injectable()
export class OpeService {
  /**
   * `warn` hears that a policy's models did not load, before anything is estimated, and that
   * copies of decision lines were skipped, once the logs are read.
   */
  async evaluate(request: OpeRequest, warn: (line: string) => void): Promise<OpeResult> {
    const { run, tally } = await this.tally(request, ONE_SHARD, warn);
    return this.report(run, tally, request.html, warn);
  }

  /**
   * Reads the logs and tallies the learners of `shard` (docs/closed-loop.md "Evaluation at
   * platform scale"), with what a report of the tally needs to know of the run.
   */
  async tally(
    request: OpeRequest,
    shard: Shard,
    warn: (line: string) => void,
  ): Promise<{ run: OpeRun; tally: OpeTally }> {
    const policy = async (
      flags: [config: string, models: string],
      config: string,
      dir: string,
    ): Promise<LoadedPolicy> => {
      const models = await loadModels(flags[1], dir, warn);
      const flag = configWithObjective(
        config,
        request.objectiveFromModels ? models?.objective : undefined,
      );
      const state: EngineState = { config: flag.config, models };
      requireServable(state.config, state.models, flags[0]);
      const portable: PortableEngineState = {
        configDocument: flag.document,
        configSource: config,
        models:
          models === undefined
            ? undefined
            : { manifest: models.manifest, models: models.models, controls: models.controls },
      };
      return { state, portable, name: policyName(config, state.models) };
    };
    const logs = await resolveLogs(request);
    const candidate = await policy(['--config', '--models-dir'], request.config, request.modelsDir);
    const logging = await policy(
      ['--logging-config', '--logging-models-dir'],
      request.loggingConfig,
      request.loggingModelsDir,
    );
    const baseline =
      request.baseline === undefined
        ? undefined
        : await policy(
            ['--baseline', '--baseline-models-dir'],
            request.baseline,
            request.baselineModelsDir ?? request.loggingModelsDir,
          );
    const loggingName = `--logging-config ${logging.name}`;
    const settings: OpeSettings = {
      clip: request.clip,
      rewardDays: request.rewardDays,
      resamples: request.bootstrap,
      folds: request.folds,
      seed: request.seed,
    };
    const tally = await tallyOpe(
      logs,
      {
        logging: logging.portable,
        candidate: candidate.portable,
        baseline: baseline?.portable,
        loggingName,
      },
      {
        logging: logging.state,
        candidate: candidate.state,
        baseline: baseline?.state,
        loggingName,
      },
      {
        ...settings,
        shard,
        threads: request.threads ?? availableParallelism(),
      },
    );
    const run: OpeRun = {
      settings,
      candidate: candidate.name,
      baseline: baseline === undefined ? `the logging policy, ${logging.name}` : baseline.name,
      ...logs,
    };
    return { run, tally };
  }

  /** Tallies the learners of `shard` into a partial file, for `combine`. */
  async writePartial(
    request: OpeRequest,
    shard: Shard,
    path: string,
    warn: (line: string) => void,
  ): Promise<OpeTally> {
    const { run, tally } = await this.tally(request, shard, warn);
    await writePartialFile(path, opePartialJson({ shard, run, tally }));
    return tally;
  }

  /**
   * The report of a tally of every learner: what only all of them can show (decisions not held
   * out, the logs overlapping, the logs' support for each policy) is checked here, and the
   * copies said.
   */
  async report(
    run: OpeRun,
    tally: OpeTally,
    html: string | undefined,
    warn: (line: string) => void,
  ): Promise<OpeResult> {
    const decisions = served(tally);
    if (decisions === 0) {
      throw new CliUsageError(
        `${run.decisions.name} has no decisions that were not held out: a policy's value is its mean outcome over those`,
      );
    }
    requireOverlap(tally, run);
    const unsupportedShare = requireSupport(tally.support, decisions, run.decisions);
    if (tally.copies !== undefined) {
      const { lines, first } = tally.copies;
      warn(copiesWarning(run.decisions, { lines, first: placeLine(run.decisions, first) }));
    }
    const report = opeReport(tally, { unsupportedShare, baseline: run.baseline }, run.settings);
    if (html !== undefined) await writeHtmlPage(html, opeHtml(report, run.candidate));
    return { report, candidate: run.candidate };
  }
}
