import { readFile } from 'node:fs/promises';
import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import { parseFilePath, parseLiftPoints } from '../../cli/cli-options';
import { LogPaths, resolveLog } from '../../cli/log-file';
import { JSON_OPTION, parseLogPaths, printReport } from '../../cli/log-options';
import { warnOnStderr } from '../../cli/progress.service';
import { combinePartials, readPartialJson, readUpliftPartial } from '../uplift/uplift-partial';
import { upliftText } from '../uplift/uplift-text';
import { TARGET_LIFT_OPTION, UPLIFT_HTML_OPTION } from '../uplift/uplift.command';
import { UpliftService } from '../uplift/uplift.service';
import { combineOpePartials, PartialHead, partialHead, readOpePartial } from '../ope/ope-partial';
import { opeText } from '../ope/ope-text';
import { OpeService } from '../ope/ope.service';

export interface CombineOptions {
  readonly partial?: LogPaths;
  readonly targetLift?: number;
  readonly html?: string;
  readonly json?: boolean;
}

/**
 * `combine`: the report of a sharded run, from the partials its shards wrote
 * (`uplift --shard I/N --partial FILE` or `ope --shard I/N --partial FILE`). The partials'
 * tallies add up to the tally one process would have made, so the report is the one-process
 * report (docs/closed-loop.md "Evaluation at platform scale").
 */
@Command({
  name: 'combine',
  description:
    'report on a sharded run: merge the partials its shards wrote (uplift or ope --shard I/N --partial FILE) and print the report one process would have printed',
})
export class CombineCommand extends CliCommand {
  constructor(
    private readonly uplift: UpliftService,
    private readonly ope: OpeService,
  ) {
    super();
  }

  async run(_args: string[], options: CombineOptions): Promise<void> {
    if (options.partial === undefined) {
      throw new CliUsageError('--partial: give the partial of every shard');
    }
    const { files } = await resolveLog(options.partial, '--partial');
    const readJson = async (i: number) =>
      readPartialJson(await readFile(files[i], 'utf8'), files[i]);
    // An ope partial is 8 MB: of each, only its kind, shard and run are kept here, and the
    // tallies are read again one at a time as they are merged.
    const read = [];
    for (let i = 0; i < files.length; i++) {
      const { kind, json } = await readJson(i);
      read.push(kind === 'ope' ? { kind, json: partialHead(json) } : { kind, json });
    }
    const kind = read[0].kind;
    read.forEach((partial, i) => {
      if (partial.kind !== kind) {
        throw new CliUsageError(
          `${files[i]}: a partial of ${partial.kind}, but ${files[0]} is of ${kind}: the partials are of different runs`,
        );
      }
    });
    if (kind === 'ope') {
      if (options.targetLift !== undefined) {
        throw new CliUsageError('--target-lift: an uplift setting, but these are ope partials');
      }
      const heads = read.map(({ json }) => json as PartialHead);
      const { run, tally } = await combineOpePartials(heads, files, async (i) =>
        readOpePartial((await readJson(i)).json, files[i]),
      );
      const { report, candidate } = await this.ope.report(run, tally, options.html, warnOnStderr);
      printReport(report, options.json, () => opeText(report, candidate));
      return;
    }
    const partials = read.map(({ json }, i) =>
      readUpliftPartial(json as Record<string, unknown>, files[i]),
    );
    const { run, tally } = combinePartials(partials, files);
    const report = await this.uplift.report(run, tally, options, warnOnStderr);
    printReport(report, options.json, () => upliftText(report));
  }

  @Option({
    flags: '--partial <path>',
    description:
      'a partial a shard wrote, or a glob (quoted) of them; repeat the flag for more files',
  })
  parsePartial(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option(TARGET_LIFT_OPTION)
  parseTargetLift(value: string): number {
    return parseLiftPoints(value);
  }

  @Option(UPLIFT_HTML_OPTION)
  parseHtml(value: string): string {
    return parseFilePath(value);
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
