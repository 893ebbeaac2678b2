import { mkdir, readFile } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { EngineState } from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { loadModelSet } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { loadConfigFlag, requireServable } from '../../cli/engine-config';
import { signed } from '../../cli/format';
import { PlatformRunOptions, PlatformSimulator } from './platform-simulator';
import { platformPaths, PlatformTruth, writePlatformRun } from './platform-writer';
import { DEFAULT_PRE_DAYS } from './pre-period';
import { PlatformStory, readStory } from './story';

/** Day 0 when none is given. */
export const DEFAULT_START = '2025-06-02';

/** The flags' defaults: `simulate-platform` and closed-loop-report run with these. */
export const PLATFORM_DEFAULTS = {
  config: 'config/config.json',
  story: 'config/stories/default.json',
  start: DEFAULT_START,
  rewardDays: 1,
  windowDays: 7,
  preDays: DEFAULT_PRE_DAYS,
} as const;

/** The stories committed in config/stories: the default one and two that differ from it. */
export const COMMITTED_STORIES: readonly string[] = [
  PLATFORM_DEFAULTS.story,
  'config/stories/habit-driven.json',
  'config/stories/backfire.json',
];

export interface SimulatePlatformRequest {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  readonly outDir: string;
  /** The engine config the platform serves with. */
  readonly config: string;
  /** The story file: how the learners respond to nudges. */
  readonly story: string;
  readonly modelsDir: string;
  /** Day 0 as YYYY-MM-DD, checked when parsed. */
  readonly start: string;
  readonly rewardDays: number;
  readonly windowDays: number;
  /** Days each learner lives before day 0 with no decisions: the pre-period `uplift` adjusts by. */
  readonly preDays: number;
}

/** `--story`: the file read and checked as a whole story, or a usage error naming the key paths. */
export async function loadStoryFile(path: string): Promise<PlatformStory> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliUsageError(
      `--story ${path}: cannot read it as JSON (${(error as Error).message})`,
    );
  }
  const read = readStory(document);
  if (!read.ok) throw new CliUsageError(`--story ${path}: ${read.problems.join('; ')}`);
  return read.story;
}

async function createOutDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new CliUsageError(`--out-dir ${path}: cannot create it (${(error as Error).message})`);
  }
}

/** What `simulate-platform` says when it is done. */
export function platformSummary(
  request: SimulatePlatformRequest,
  truth: PlatformTruth,
  seconds: number,
): string {
  const paths = platformPaths(request.outDir);
  const models =
    truth.model_version === null
      ? 'rules only (no models loaded)'
      : `models ${truth.model_version}`;
  const value = truth.policy_value === null ? 'none' : truth.policy_value.toFixed(4);
  return `simulate-platform: ${request.users} learners × ${request.days} days from ${truth.start} (seed ${request.seed}, ${models}) -> ${paths.decisions} (${truth.decisions} decisions, ${truth.holdout_decisions} held out), ${paths.outcomes} (${truth.actions} actions), ${paths.truth}: true lift ${signed(truth.absolute_lift * 100, 2)} points, policy value ${value}, in ${seconds.toFixed(1)} s`;
}

/**
 * `simulate-platform`: a platform that asks the engine, in process, what to send every simulated
 * learner every day, delivers it, and draws what the learners do (docs/closed-loop.md, "The
 * platform simulator"). It writes the two logs `uplift` reads and truth.json, what they should
 * measure; the same request writes the same bytes.
 */
@Injectable()
export class PlatformService {
  /** Runs the platform; `onLearner` hears each learner done. Resolves with truth.json's content. */
  async simulate(request: SimulatePlatformRequest, onLearner: () => void): Promise<PlatformTruth> {
    const config = loadConfigFlag(request.config);
    const story = await loadStoryFile(request.story);
    await createOutDir(request.outDir);
    // As the API does: models that do not load leave the engine rules-only.
    const models = await loadModelSet(request.modelsDir).catch(() => undefined);
    requireServable(config, models);
    const state: EngineState = { config, models };
    const run: PlatformRunOptions = {
      users: request.users,
      days: request.days,
      seed: request.seed,
      start: parseCalendarDate(request.start)!,
      windowDays: request.windowDays,
      rewardDays: request.rewardDays,
      preDays: request.preDays,
      story,
    };
    const simulator = new PlatformSimulator(run, state);
    return writePlatformRun(simulator, run, state, request.outDir, onLearner);
  }
}
