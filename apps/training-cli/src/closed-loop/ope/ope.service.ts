import { Injectable } from '@nestjs/common';
import { loadModelSet, ModelSet } from '@app/ml';
import { loadConfigFlag } from '../../cli/engine-config';
import { requireLogFiles } from '../../cli/log-file';
import { opeReport, OpeReport, requireSupport } from './ope';
import { readOpeLogs } from './ope-logs';

export interface OpeRequest {
  readonly decisions: string;
  readonly outcomes: string;
  /** The candidate policy: its engine config and its models. */
  readonly config: string;
  readonly modelsDir: string;
  readonly clip: number;
  readonly rewardDays: number;
  readonly bootstrap: number;
  readonly seed: number;
}

/** The flags' defaults: `ope` and closed-loop-report run with these. */
export const OPE_DEFAULTS = { clip: 10, rewardDays: 1, bootstrap: 1000, seed: 1 } as const;

export interface OpeResult {
  readonly report: OpeReport;
  /** The candidate as the report names it: its config, and its models or `rules only`. */
  readonly candidate: string;
}

/** As the API does, a model set that does not load leaves the candidate on rules alone. */
async function loadModels(
  dir: string,
  warn: (line: string) => void,
): Promise<ModelSet | undefined> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    warn(
      `warning: --models-dir ${dir}: ${(error as Error).message}; the candidate runs on rules only, and the reward model is each type's mean logged reward`,
    );
    return undefined;
  }
}

/**
 * `ope`: what a candidate policy (a config and a model set) would have earned on the decisions
 * another policy made, from the decisions and outcomes logs (docs/closed-loop.md). Any problem in
 * the logs, the config, or the logs' support for the candidate is a usage error naming the file
 * and line.
 */
@Injectable()
export class OpeService {
  /** `warn` hears that the candidate's models did not load, before anything is estimated. */
  async evaluate(request: OpeRequest, warn: (line: string) => void): Promise<OpeResult> {
    const config = loadConfigFlag(request.config);
    await requireLogFiles(request);
    const models = await loadModels(request.modelsDir, warn);
    const log = await readOpeLogs(request, { config, models }, request.rewardDays);
    const unsupportedShare = requireSupport(log.support, log.decisions.length, request.decisions);
    const report = opeReport(log.decisions, log.heldOut, unsupportedShare, {
      clip: request.clip,
      rewardDays: request.rewardDays,
      resamples: request.bootstrap,
      seed: request.seed,
    });
    const candidate = `${request.config} (${models === undefined ? 'rules only' : `models ${models.version}`})`;
    return { report, candidate };
  }
}
