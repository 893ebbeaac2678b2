import { Injectable } from '@nestjs/common';
import { requireLogFiles } from '../../cli/log-file';
import { loadConfigFlag } from '../../cli/engine-config';
import { expectedShares, groupConfig } from './groups';
import { requireArms, UpliftReport, upliftReport } from './uplift';
import { readDecisions, readOutcomes, tallyLearners } from './uplift-logs';
import { hashWarning } from './uplift-text';

export interface UpliftRequest {
  readonly decisions: string;
  readonly outcomes: string;
  readonly windowDays: number;
  /** The engine config the decisions were made with: its split is the expected one. */
  readonly config: string;
  /** An absolute lift (a fraction) to size the holdout for, if any. */
  readonly targetLift?: number;
}

/** The flags' defaults: `uplift` and closed-loop-report run with these. */
export const UPLIFT_DEFAULTS = { windowDays: 7, config: 'config/config.json' } as const;

/**
 * `uplift`: whether nudges change what learners do, from a platform's decisions and outcomes
 * logs (docs/closed-loop.md). Any problem in the logs or the config is a usage error naming the
 * file, line and field.
 */
@Injectable()
export class UpliftService {
  /**
   * `warn` hears, before the report is computed, why the expected split may be wrong: the
   * decisions were made under another config.
   */
  async measure(request: UpliftRequest, warn: (line: string) => void): Promise<UpliftReport> {
    const config = loadConfigFlag(request.config);
    await requireLogFiles(request);
    const { table: decisions, mismatch } = await readDecisions(
      request.decisions,
      (group) => groupConfig(config, group)?.hash,
    );
    // What the decisions alone lack is said before the outcomes are read.
    requireArms(decisions.groups);
    const actionDays = await readOutcomes(request.outcomes, decisions);
    if (mismatch !== undefined) warn(hashWarning(mismatch, request));
    const learners = tallyLearners(decisions, actionDays, request.windowDays);
    return upliftReport(
      learners,
      expectedShares(config.assignment),
      request.windowDays,
      request.targetLift,
    );
  }
}
