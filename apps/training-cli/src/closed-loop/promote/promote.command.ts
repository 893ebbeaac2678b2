import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliRefusalError } from '../../cli/cli-errors';
import { parseDirectory, parseFilePath } from '../../cli/cli-options';
import { JSON_OPTION, logOption, OUTCOMES_HELP, printReport } from '../../cli/log-options';
import { warnOnStderr } from '../../cli/progress.service';
import { OPE_OPTIONS, PARSE_OPE_OPTION } from '../ope/ope-options';
import { PROMOTE_DEFAULTS, PromoteRequest, PromoteService } from './promote.service';
import { decisionLine, promoteJson, promoteText } from './promotion';

export interface PromoteOptions extends PromoteRequest {
  readonly json?: boolean;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** `--min-gain`: a gain in outcome per decision, negative allowed (a tolerated loss). */
export function parseMinGain(value: string): number {
  const gain = DECIMAL.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(gain >= -1 && gain <= 1)) {
    throw new InvalidArgumentError('Expected a number from -1 to 1 (outcome per decision).');
  }
  return gain;
}

/**
 * `promote` (PromoteService): replaces the current model set by a candidate when the logs show,
 * by DR's paired 95% interval, that it gains more than --min-gain. A refusal prints its line and
 * exits 3; a problem with the flags, sets or logs (ope's refusals included) is a usage error.
 */
@Command({
  name: 'promote',
  description:
    "replace the current model set by a candidate only when off-policy evaluation on the logs shows it better: the lower end of the 95% CI of DR's difference (candidate − current) must exceed --min-gain; a refusal exits 3 and changes nothing",
})
export class PromoteCommand extends CliCommand {
  constructor(private readonly promoter: PromoteService) {
    super();
  }

  async run(_args: string[], options: PromoteOptions): Promise<void> {
    const result = await this.promoter.promote(options, warnOnStderr);
    const { decision, report, candidate, current } = result;
    const line = decisionLine(decision);
    // Without a report (the candidate is the current set) the text is the decision line alone.
    if (options.json === true || report !== undefined) {
      printReport(
        promoteJson(report, candidate, current, options.minGain, decision),
        options.json,
        () => [
          ...(report === undefined ? [] : promoteText(report, candidate, current, options.minGain)),
          ...(decision.promoted ? ['', line] : []),
        ],
      );
    }
    if (!decision.promoted) throw new CliRefusalError(line);
  }

  @Option({
    flags: '--candidate <dir>',
    description: 'the candidate model set (a folder with manifest.json), left as it is',
    required: true,
  })
  parseCandidate(value: string): string {
    return parseDirectory(value);
  }

  @Option({
    flags: '--current <dir>',
    description: 'the model set served now; replaced by the candidate when it is promoted',
    required: true,
  })
  parseCurrent(value: string): string {
    return parseDirectory(value);
  }

  @Option(
    logOption('decisions', 'the decisions log (NDJSON, one decision per line, with its request)'),
  )
  parseDecisions(value: string): string {
    return parseFilePath(value);
  }

  @Option(logOption('outcomes', OUTCOMES_HELP))
  parseOutcomes(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--config <path>',
    description: 'the engine config both the candidate and the current set serve with',
    defaultValue: PROMOTE_DEFAULTS.config,
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--min-gain <gain>',
    description:
      "the gain in mean outcome per decision the lower end of DR's 95% CI must exceed, -1 to 1",
    defaultValue: PROMOTE_DEFAULTS.minGain,
  })
  parseMinGain(value: string): number {
    return parseMinGain(value);
  }

  @Option({
    flags: '--logging-config <path>',
    description: 'the engine config that made the logs (default: --config)',
  })
  parseLoggingConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--logging-models-dir <path>',
    description: 'the models served beside the logging config (default: --current)',
  })
  parseLoggingModelsDir(value: string): string {
    return parseDirectory(value);
  }

  @Option(OPE_OPTIONS.clip)
  parseClip(value: string): number {
    return PARSE_OPE_OPTION.clip(value);
  }

  @Option(OPE_OPTIONS.folds)
  parseFolds(value: string): number {
    return PARSE_OPE_OPTION.folds(value);
  }

  @Option(OPE_OPTIONS.rewardDays)
  parseRewardDays(value: string): number {
    return PARSE_OPE_OPTION.rewardDays(value);
  }

  @Option(OPE_OPTIONS.bootstrap)
  parseBootstrap(value: string): number {
    return PARSE_OPE_OPTION.bootstrap(value);
  }

  @Option(OPE_OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPE_OPTION.seed(value);
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
