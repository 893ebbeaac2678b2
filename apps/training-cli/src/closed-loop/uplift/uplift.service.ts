import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import { LogPaths, resolveLogs } from '../../cli/log-file';
import { loadConfigFlag } from '../../cli/engine-config';
import { ONE_SHARD } from '../../cli/learner-partitions';
import { Shard } from '../../cli/shard-option';
import { writePartialFile } from '../../cli/sharded-run';
import { writeHtmlPage } from '../../cli/text-file-writer';
import { configHashes, expectedShares } from './groups';
import { UpliftReport, upliftReport } from './uplift';
import { upliftHtml } from './uplift-html';
import { partialJson, UpliftRun } from './uplift-partial';
import { requireOverlap, tallyUplift } from './uplift-stream';
import { byKey, placeLine, UpliftTally, weeklyRates } from './uplift-tally';
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
   * before it when undefined.
   */
  readonly preDays?: number;
  /** Also write the report as an HTML page here. */
  readonly html?: string;
  /** Threads that read the decisions log at once; the CPUs available by default. */
  readonly threads?: number;
}

/** What a report is made with, beside the tally. */
export interface UpliftReportOptions {
  readonly targetLift?: number;
  readonly html?: string;
}

export const UPLIFT_DEFAULTS = { windowDays: 7, config: 'config/config.json' } as const;

/** `uplift`'s work, for the command and for the closed-loop report. */
@Injectable()
export class UpliftService {
  /** Reads the logs and reports on every learner. */
  async measure(request: UpliftRequest, warn: (line: string) => void): Promise<UpliftReport> {
    const { run, tally } = await this.tally(request, ONE_SHARD);
    return this.report(run, tally, request, warn);
  }

  /**
   * Reads the logs and tallies the learners of `shard` (docs/closed-loop.md "Evaluation at
   * platform scale"), with what a report of the tally needs to know of the run.
   */
  async tally(
    request: UpliftRequest,
    shard: Shard,
  ): Promise<{ run: UpliftRun; tally: UpliftTally }> {
    const config = loadConfigFlag(request.config);
    const logs = await resolveLogs(request);
    const tally = await tallyUplift(logs, {
      windowDays: request.windowDays,
      preDays: request.preDays,
      configHashes: configHashes(config),
      shard,
      threads: request.threads ?? availableParallelism(),
    });
    const run: UpliftRun = {
      windowDays: request.windowDays,
      preDays: request.preDays,
      config: { path: request.config, hash: config.hash },
      shares: expectedShares(config.assignment),
      experiments: config.assignment.experiments,
      ...logs,
    };
    return { run, tally };
  }

  /** Tallies the learners of `shard` into a partial file, for `combine`. */
  async writePartial(request: UpliftRequest, shard: Shard, path: string): Promise<UpliftTally> {
    const { run, tally } = await this.tally(request, shard);
    await writePartialFile(path, partialJson({ shard, run, tally }));
    return tally;
  }

  /**
   * The report of a tally of every learner: what only all of them can show (that the logs
   * overlap, that both arms have learners) is checked here, and the warnings are said.
   */
  async report(
    run: UpliftRun,
    tally: UpliftTally,
    options: UpliftReportOptions,
    warn: (line: string) => void,
  ): Promise<UpliftReport> {
    requireOverlap(tally, run);
    if (tally.copies !== undefined) {
      const { lines, first } = tally.copies;
      warn(copiesWarning(run.decisions, { lines, first: placeLine(run.decisions, first) }));
    }
    if (tally.mismatch !== undefined) {
      warn(hashWarning(tally.mismatch, run.decisions, run.config.path));
    }
    const report = upliftReport(new Map(byKey(tally.groups)), run.shares, {
      windowDays: run.windowDays,
      targetLift: options.targetLift,
      preDays: run.preDays,
      experiments: run.experiments,
    });
    if (options.html !== undefined) {
      const arms = report.arms.map((arm) => arm.arm);
      await writeHtmlPage(options.html, upliftHtml(report, weeklyRates(tally, arms)));
    }
    return report;
  }
}
