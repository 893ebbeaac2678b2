import { basename } from 'node:path';
import { plural, withSign } from '../../cli/format';
import { compare, LiftSummary, SeedRun, summarise } from './cycles';

/** The uplift policy must lift at least this many times as much as the propensity policy. */
export const TARGET_RATIO = 1.25;

/** A lift in points of the action rate, 2 decimals. */
const points = (lift: number): string => withSign(lift * 100, 2);

function row(label: string, summary: LiftSummary, propensityMean: number): string {
  const ratio = propensityMean === 0 ? '–' : `${(summary.mean / propensityMean).toFixed(2)}×`;
  return `| ${label} | ${points(summary.mean)} | ${points(summary.low)} to ${points(summary.high)} | ${summary.values.map(points).join(', ')} | ${ratio} |`;
}

/** One story's table: each policy's true lift over the seeds, then the comparison. */
function storySection(story: string, runs: readonly SeedRun[]): string[] {
  const cycles = runs[0].cycles.length;
  const propensity = summarise(runs.map((r) => r.propensityLift));
  const lines = [
    `### ${basename(story, '.json')}`,
    '',
    `True lift (\`absolute_lift\`, points of the 7-day action rate) on each seed's evaluation run; the interval is the 95% t-interval over the ${plural(runs.length, 'seed')}.`,
    '',
    '| policy | mean | 95% interval | per seed | × propensity |',
    '| --- | --: | --: | --- | --: |',
    row('no nudges', summarise(runs.map(() => 0)), propensity.mean),
    row(
      "rules only, no fatigue (the seed report's behaviour)",
      summarise(runs.map((r) => r.rulesLift)),
      propensity.mean,
    ),
    row('propensity: today’s models and config', propensity, propensity.mean),
  ];
  for (let c = 0; c < cycles; c++) {
    const trained = runs.filter((r) => r.cycles[c].candidateLift !== null);
    if (trained.length === runs.length) {
      lines.push(
        row(
          `uplift set of cycle ${c + 1}`,
          summarise(trained.map((r) => r.cycles[c].candidateLift!)),
          propensity.mean,
        ),
        row(
          `the same, without fatigue (no cooldowns, cap or recency penalty)`,
          summarise(trained.map((r) => r.cycles[c].noFatigueLift!)),
          propensity.mean,
        ),
      );
      const truths = trained.map((r) => r.cycles[c].trueEffectLift);
      if (truths.every((lift): lift is number => lift !== undefined)) {
        lines.push(
          row(
            `its controls with the story's true effects (what unlimited logs would teach this model class)`,
            summarise(truths),
            propensity.mean,
          ),
        );
      }
    }
    const promoted = runs.filter((r) => r.cycles[c].promoted).length;
    lines.push(
      row(
        `serving after cycle ${c + 1} (promoted in ${promoted} of ${runs.length} seeds)`,
        summarise(runs.map((r) => r.cycles[c].servingLift)),
        propensity.mean,
      ),
    );
  }
  lines.push('');
  const first = runs.map((r) => r.cycles[0]?.candidateLift ?? null);
  if (first.every((lift): lift is number => lift !== null)) {
    const comparison = compare(
      first,
      runs.map((r) => r.propensityLift),
    );
    const verdict =
      comparison.ratio >= TARGET_RATIO && comparison.withinSpread ? 'meets' : 'misses';
    lines.push(
      `The uplift set of the first month lifts ${comparison.ratio.toFixed(2)}× as much as the propensity policy (target ${TARGET_RATIO}×); the paired difference is ${points(comparison.differences.mean)} points (95% ${points(comparison.differences.low)} to ${points(comparison.differences.high)}, SD over seeds ${(comparison.differences.sd * 100).toFixed(2)}), and its worst seed is ${comparison.worstShortfall > 0 ? `${(comparison.worstShortfall * 100).toFixed(2)} points below` : `${(-comparison.worstShortfall * 100).toFixed(2)} points above`} the propensity policy: it ${verdict} the target.`,
      '',
    );
  }
  lines.push('Promotion, per seed and cycle:', '');
  for (const run of runs) {
    for (const cycle of run.cycles) {
      lines.push(
        `- seed ${run.seed}, cycle ${cycle.cycle}: ${cycle.promoted ? 'promoted' : 'refused'}: ${cycle.decision}`,
      );
    }
  }
  lines.push('');
  return lines;
}

/** The tables of every story, in the order the stories were given. */
export function cyclesMarkdown(runs: readonly SeedRun[]): string[] {
  const stories = [...new Set(runs.map((r) => r.story))];
  return stories.flatMap((story) =>
    storySection(
      story,
      runs.filter((r) => r.story === story),
    ),
  );
}
