import { Injectable } from '@nestjs/common';
import { EngineState } from '@app/engagement';
import { loadModelSet, ModelSet } from '@app/ml';
import { loadConfigFlag, requireServable } from '../../cli/engine-config';
import { LogPaths, resolveLogs } from '../../cli/log-file';
import { writeHtmlPage } from '../../cli/text-file-writer';
import { opeHtml } from './ope-html';
import { opeReport, OpeReport } from './ope';
import { readOpeLogs } from './ope-logs';
import { copiesWarning } from '../uplift/uplift-text';

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
    const policy = async (flags: [config: string, models: string], config: string, dir: string) => {
      const models = await loadModels(flags[1], dir, warn);
      const state: EngineState = {
        config: request.objectiveFromModels
          ? loadConfigFlag(config, models?.objective)
          : loadConfigFlag(config),
        models,
      };
      requireServable(state.config, state.models, flags[0]);
      return { state, name: policyName(config, state.models) };
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
    const log = await readOpeLogs(
      logs,
      {
        logging: logging.state,
        candidate: candidate.state,
        baseline: baseline?.state,
        loggingName: `--logging-config ${logging.name}`,
      },
      request,
    );
    const unsupportedShare = log.support.require(log.decisions.length);
    if (log.copies !== undefined) warn(copiesWarning(logs.decisions, log.copies));
    const report = opeReport(
      {
        decisions: log.decisions,
        learners: log.learners,
        heldOut: log.heldOut,
        unsupportedShare,
        historyDependent: log.historyDependent,
        baseline: baseline === undefined ? `the logging policy, ${logging.name}` : baseline.name,
      },
      {
        clip: request.clip,
        rewardDays: request.rewardDays,
        resamples: request.bootstrap,
        folds: request.folds,
        seed: request.seed,
      },
    );
    if (request.html !== undefined) {
      await writeHtmlPage(request.html, opeHtml(report, candidate.name));
    }
    return { report, candidate: candidate.name };
  }
}
