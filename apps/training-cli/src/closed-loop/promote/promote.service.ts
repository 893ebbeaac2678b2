import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { loadModelSet, MANIFEST_FILE, ModelSet } from '@app/ml';
import { EngineConfig, objectiveMismatch } from '@app/engagement';
import { CliUsageError } from '../../cli/cli-errors';
import { loadConfigFlag } from '../../cli/engine-config';
import { OpeReport } from '../ope/ope';
import { OpeService } from '../ope/ope.service';
import { replaceModelSet } from './model-set-swap';
import {
  decide,
  Decision,
  promotedManifest,
  promotionEvidence,
  sameVersion,
  SetName,
} from './promotion';

export interface PromoteRequest {
  readonly candidate: string;
  readonly current: string;
  readonly decisions: string;
  readonly outcomes: string;
  /** The engine config both policies run with. */
  readonly config: string;
  readonly minGain: number;
  /** The policy that made the logs; the current one (config and models) when absent. */
  readonly loggingConfig?: string;
  readonly loggingModelsDir?: string;
  readonly clip: number;
  readonly rewardDays: number;
  readonly bootstrap: number;
  readonly folds: number;
  readonly seed: number;
}

export interface PromoteResult {
  readonly decision: Decision;
  /** Absent when the candidate is the current set: nothing was estimated. */
  readonly report?: OpeReport;
  readonly candidate: SetName;
  readonly current: SetName;
}

export const PROMOTE_DEFAULTS = { config: 'config/config.json', minGain: 0 } as const;

/** A set promote reads must load, as the API would serve it: else the flag is wrong (exit 2). */
async function requireModelSet(flag: string, dir: string): Promise<ModelSet> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    throw new CliUsageError(
      `${flag} ${dir}: ${(error as Error).message}; promote needs a model set that loads`,
    );
  }
}

/** The logging models' version; ope ran them on rules (with a warning) if they do not load. */
async function loggingModels(dir: string): Promise<string> {
  try {
    return (await loadModelSet(dir)).version;
  } catch {
    return 'rules only';
  }
}

/**
 * A winning candidate the config cannot serve is not put in place: the API would refuse to start
 * with it. The numbers stand; the refusal says which key to change before promoting again.
 */
function servable(
  decision: Decision,
  candidate: ModelSet,
  config: EngineConfig,
  configPath: string,
): Decision {
  const mismatch = objectiveMismatch(config, candidate);
  if (!decision.promoted || mismatch === undefined) return decision;
  return {
    promoted: false,
    reason: `${decision.reason}; but --config ${configPath}: ${mismatch}, then promote again`,
  };
}

/**
 * `promote`: estimates with OpeService what the candidate model set would earn, beside the
 * current one, under the same config on the logs, and replaces the current set by the candidate
 * only when DR's paired 95% interval of the difference lies above --min-gain (docs/closed-loop.md).
 * The caller prints the result and turns a refusal into exit code 3.
 */
@Injectable()
export class PromoteService {
  constructor(private readonly ope: OpeService) {}

  async promote(request: PromoteRequest, warn: (line: string) => void): Promise<PromoteResult> {
    const candidateSet = await requireModelSet('--candidate', request.candidate);
    const currentSet = await requireModelSet('--current', request.current);
    const candidate = { dir: request.candidate, version: candidateSet.version };
    const current = { dir: request.current, version: currentSet.version };
    if (
      candidateSet.version === currentSet.version ||
      resolve(request.candidate) === resolve(request.current)
    ) {
      return { decision: sameVersion(currentSet.version), candidate, current };
    }
    const logging = {
      loggingConfig: request.loggingConfig ?? request.config,
      loggingModelsDir: request.loggingModelsDir ?? request.current,
    };
    // Without logging flags the current policy made the logs and is the baseline itself.
    const ownLogs = request.loggingConfig === undefined && request.loggingModelsDir === undefined;
    const { report } = await this.ope.evaluate(
      {
        decisions: request.decisions,
        outcomes: request.outcomes,
        config: request.config,
        modelsDir: request.candidate,
        ...logging,
        ...(ownLogs ? {} : { baseline: request.config, baselineModelsDir: request.current }),
        clip: request.clip,
        rewardDays: request.rewardDays,
        bootstrap: request.bootstrap,
        folds: request.folds,
        seed: request.seed,
        objectiveFromModels: true,
      },
      warn,
    );
    const decision = servable(
      decide(report.difference, request.minGain),
      candidateSet,
      loadConfigFlag(request.config),
      request.config,
    );
    if (decision.promoted) {
      const manifest = JSON.parse(
        await readFile(join(request.candidate, MANIFEST_FILE), 'utf8'),
      ) as Record<string, unknown>;
      const evidence = promotionEvidence(report, {
        decisions: request.decisions,
        outcomes: request.outcomes,
        config: request.config,
        loggingConfig: logging.loggingConfig,
        loggingModels:
          request.loggingModelsDir === undefined
            ? currentSet.version
            : await loggingModels(request.loggingModelsDir),
        minGain: request.minGain,
        previousVersion: currentSet.version,
      });
      await replaceModelSet(
        request.candidate,
        request.current,
        `${JSON.stringify(promotedManifest(manifest, evidence), null, 2)}\n`,
        async (dir) => {
          const written = await loadModelSet(dir);
          if (written.version !== candidateSet.version) {
            throw new Error(
              `the copied set has version ${written.version}, not the candidate's ${candidateSet.version}`,
            );
          }
        },
      );
    }
    return { decision, report, candidate, current };
  }
}
