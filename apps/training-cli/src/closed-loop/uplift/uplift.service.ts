import { Injectable } from '@nestjs/common';
import { LogPaths, resolveLogs } from '../../cli/log-file';
import { loadConfigFlag } from '../../cli/engine-config';
import { expectedShares, groupConfig } from './groups';
import { requireArms, UpliftReport, upliftReport } from './uplift';
import { readDecisions, readOutcomes, tallyLearners, weeklyRates } from './uplift-logs';
import { upliftHtml } from './uplift-html';
import { writeHtmlPage } from '../../cli/text-file-writer';
import { copiesWarning, hashWarning } from './uplift-text';

export interface UpliftRequest {
  readonly decisions: LogPaths;
  readonly outcomes: LogPaths;
  readonly windowDays: number;
  /** The engine config the decisions were made with: its split is the expected one. */
  readonly config: string;
  /** An absolute lift (a fraction) to size the holdout for, if any. */
  readonly targetLift?: number;
  /**
   * CUPED's pre-period: the days before each learner's first decision; all the outcomes log has
   * before it when left out.
   */
  readonly preDays?: number;
  /** Where to write the report as a self-contained HTML page, if anywhere. */
  readonly html?: string;
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
   * `warn` hears, before the report is computed, that copies of decision lines were skipped, and
   * why the expected split may be wrong: the decisions were made under another config.
   */
  async measure(request: UpliftRequest, warn: (line: string) => void): Promise<UpliftReport> {
    const config = loadConfigFlag(request.config);
    const logs = await resolveLogs(request);
    const { table: decisions, mismatch } = await readDecisions(
      logs.decisions,
      (group) => groupConfig(config, group)?.hash,
    );
    // What the decisions alone lack is said before the outcomes are read.
    requireArms(decisions.groups);
    const actionDays = await readOutcomes(logs.outcomes, decisions);
    if (decisions.copies !== undefined) warn(copiesWarning(logs.decisions, decisions.copies));
    if (mismatch !== undefined) warn(hashWarning(mismatch, logs.decisions, request.config));
    const learners = tallyLearners(decisions, actionDays, request.windowDays, request.preDays);
    const report = upliftReport(learners, expectedShares(config.assignment), {
      windowDays: request.windowDays,
      targetLift: request.targetLift,
      preDays: request.preDays,
      experiments: config.assignment.experiments,
    });
    if (request.html !== undefined) {
      const arms = report.arms.map((arm) => arm.arm);
      const weekly = weeklyRates(decisions, actionDays, request.windowDays, arms);
      await writeHtmlPage(request.html, upliftHtml(report, weekly));
    }
    return report;
  }
}
