import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { EngagementAnalysis } from '@app/contract';
import { EngagementModule, EngagementService, hashBucket } from '@app/engagement';
import { NUDGE_TYPES, NudgeType, parseCalendarDate } from '@app/learner';
import { QUALITY_AS_OF, qualityCorpus, QualityRequest } from './quality-corpus';

/**
 * The delivery policy over seeded learners and generated histories: cooldowns and the weekly cap
 * always hold, the holdout gets nothing, exploration draws each slot as often as its reported
 * propensity says, and a request with its decision id answers the same every time.
 */

const ROOT = join(__dirname, '../..');
const BASE = JSON.parse(readFileSync(join(ROOT, 'config/config.json'), 'utf8')) as Record<
  string,
  unknown
>;
const AS_OF = parseCalendarDate(QUALITY_AS_OF)!;
const DAY_MS = 86_400_000;
const SEED = 20251127;

const POLICY = {
  fatigue: {
    cooldown_days: { resume: 7, project: 5, quiz: 3, event_fomo: 2, comeback: 4 },
    dismissed_cooldown_factor: 2,
    max_nudges_per_7_days: 4,
    recency_half_life_days: 7,
    recency_penalty: 0.5,
  },
  assignment: { holdout_percent: 20, salt: 'policy-test' },
  policy: { exploration_epsilon: 0.3 },
};

interface Delivered {
  type: NudgeType;
  sent_at: string;
  outcome?: 'acted' | 'dismissed' | 'ignored';
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

const delivery: fc.Arbitrary<Delivered> = fc.record(
  {
    type: fc.constantFrom(...NUDGE_TYPES),
    sent_at: fc
      .tuple(fc.integer({ min: 0, max: 20 }), fc.boolean())
      .map(([ago, withTime]) =>
        withTime ? `${isoDay(AS_OF - ago)}T08:15:00Z` : isoDay(AS_OF - ago),
      ),
    outcome: fc.constantFrom('acted' as const, 'dismissed' as const, 'ignored' as const),
  },
  { requiredKeys: ['type', 'sent_at'] },
);

async function engine(config: Record<string, unknown>, dir: string): Promise<EngagementService> {
  const configPath = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const moduleRef = await Test.createTestingModule({
    imports: [
      EngagementModule.forRootAsync({
        useFactory: () => ({ configPath, modelsDir: join(ROOT, 'models') }),
      }),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(EngagementService);
}

function answer(sut: EngagementService, body: unknown): EngagementAnalysis {
  const valid = sut.validate(body);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return sut.analyze(valid.value);
}

const dayOf = (sentAt: string) => Math.floor(Date.parse(sentAt.slice(0, 10)) / DAY_MS);

describe('the delivery policy over seeded learners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const learners: QualityRequest[] = qualityCorpus(2_000, SEED).map((c) => c.body);
  let sut: EngagementService;
  let greedy: EngagementService;

  beforeAll(async () => {
    sut = await engine({ ...BASE, ...POLICY }, dir);
    greedy = await engine(
      { ...BASE, ...POLICY, assignment: { holdout_percent: 0 }, policy: {} },
      dir,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never sends a type inside its cooldown, dismissals counting double', () => {
    const { cooldown_days, dismissed_cooldown_factor } = POLICY.fatigue;
    fc.assert(
      fc.property(
        fc.nat(learners.length - 1),
        fc.array(delivery, { maxLength: 12 }),
        (i, history) => {
          const a = answer(sut, { ...learners[i], history });
          for (const nudge of [...a.nudges, ...(a.would_have_sent ?? [])]) {
            for (const d of history.filter((h) => h.type === nudge.type)) {
              const factor = d.outcome === 'dismissed' ? dismissed_cooldown_factor : 1;
              if (AS_OF - dayOf(d.sent_at) < cooldown_days[nudge.type] * factor) return false;
            }
          }
          return true;
        },
      ),
      { seed: SEED, numRuns: 1_500 },
    );
  });

  it('keeps the last 7 days within the weekly cap, history included', () => {
    fc.assert(
      fc.property(
        fc.nat(learners.length - 1),
        fc.array(delivery, { maxLength: 12 }),
        (i, history) => {
          const a = answer(sut, { ...learners[i], history });
          const inWeek = history.filter((h) => AS_OF - dayOf(h.sent_at) < 7).length;
          const sent = (a.would_have_sent ?? a.nudges).length;
          return sent === 0 || inWeek + sent <= POLICY.fatigue.max_nudges_per_7_days;
        },
      ),
      { seed: SEED, numRuns: 1_500 },
    );
  });

  it('never nudges a held-out learner, and holds out about holdout_percent of them', () => {
    const answers = learners.map((body) => answer(sut, body));
    const heldOut = answers.filter((a) => a.assignment.holdout);
    expect(heldOut.every((a) => a.status === 'holdout' && a.nudges.length === 0)).toBe(true);
    expect(
      heldOut.every((a) =>
        a.suppressed.every((s) => s.reason !== 'holdout' || s.eligible_again_on === null),
      ),
    ).toBe(true);
    expect(
      answers.filter((a) => !a.assignment.holdout).every((a) => a.status === 'generated'),
    ).toBe(true);
    // 2,000 learners: the share is within a few binomial standard deviations of 20%.
    expect(Math.abs(heldOut.length / answers.length - 0.2)).toBeLessThan(0.03);
  });

  it("answers a learner in an experiment with its variant's config", async () => {
    const experiment = {
      key: 'fewer-nudges',
      variants: [
        { key: 'control', weight: 0.5 },
        { key: 'one', weight: 0.5, overrides: { max_nudges: 1, fomo: { midpoint: 0.9 } } },
      ],
    };
    const split = await engine({ ...BASE, assignment: { experiments: [experiment] } }, dir);
    const seen = new Map<string, number>();
    for (const body of learners.slice(0, 500)) {
      const a = answer(split, body);
      const variant = hashBucket(experiment.key, body.user_data.user_id) < 0.5 ? 'control' : 'one';
      expect(a.assignment).toMatchObject({ holdout: false, experiment: experiment.key, variant });
      expect(a.policy_version.endsWith(`/${experiment.key}=${variant}`)).toBe(true);
      if (variant === 'one') expect(a.nudges.length).toBeLessThanOrEqual(1);
      // The variant's FOMO midpoint moves every score down.
      const baseline = answer(greedy, body).fomo.score;
      if (variant === 'one') expect(a.fomo.score).toBeLessThan(baseline === 0 ? 1e-9 : baseline);
      else expect(a.fomo.score).toBe(baseline);
      seen.set(variant, Math.max(seen.get(variant) ?? 0, a.nudges.length));
    }
    expect(seen).toEqual(
      new Map([
        ['control', 3],
        ['one', 1],
      ]),
    );
  });

  it('answers the same request and decision id byte for byte, on any engine', async () => {
    const other = await engine({ ...BASE, ...POLICY }, dir);
    for (const [i, body] of learners.slice(0, 300).entries()) {
      const request = { ...body, decision_id: `replay-${i}` };
      const first = JSON.stringify(answer(sut, request));
      expect(JSON.stringify(answer(sut, request))).toBe(first);
      expect(JSON.stringify(answer(other, request))).toBe(first);
    }
  });

  it('puts each candidate, or nothing, in the first slot as often as its reported propensity', () => {
    // A learner with several candidates, not held out.
    const body = learners.find((b) => {
      const a = answer(greedy, b);
      return a.nudges.length === 3;
    })!;
    const counts = new Map<string, { n: number; propensity: number }>();
    const runs = 20_000;
    let explored = 0;
    for (let i = 0; i < runs; i++) {
      const a = answer(sut, { ...body, decision_id: `draw-${i}` });
      const first = (a.would_have_sent ?? a.nudges)[0];
      // Exploring may stop before the first slot: the slate is empty, with its propensity.
      const [type, propensity] =
        first === undefined ? ['none', a.slate_propensity] : [first.type, first.propensity];
      const seen = counts.get(type) ?? { n: 0, propensity };
      expect(propensity).toBe(seen.propensity);
      counts.set(type, { n: seen.n + 1, propensity: seen.propensity });
      if (propensity < 0.5) explored++;
    }
    expect(explored).toBeGreaterThan(0);
    expect(counts.has('none')).toBe(true);
    for (const [, { n, propensity }] of counts) {
      // Binomial standard deviation at 20,000 draws is at most 0.0036.
      expect(Math.abs(n / runs - propensity)).toBeLessThan(0.015);
    }
    // Every candidate and "none" was drawn: their propensities add up to 1.
    const total = [...counts.values()].reduce((sum, c) => sum + c.propensity, 0);
    expect(total).toBeCloseTo(1, 9);
  });

  it('puts each candidate in the second slot as often as its propensity, given the first', () => {
    const body = learners.find((b) => answer(greedy, b).nudges.length === 3)!;
    // By first pick, then second pick (or stopping): how often, and the propensity reported.
    const counts = new Map<string, Map<string, { n: number; propensity: number }>>();
    const firsts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const a = answer(sut, { ...body, decision_id: `second-${i}` });
      const [first, second] = a.would_have_sent ?? a.nudges;
      if (first === undefined) continue;
      firsts.set(first.type, (firsts.get(first.type) ?? 0) + 1);
      const [type, propensity] =
        second === undefined
          ? ['stop', a.slate_propensity / first.propensity]
          : [second.type, second.propensity];
      const given = counts.get(first.type) ?? new Map<string, { n: number; propensity: number }>();
      const seen = given.get(type) ?? { n: 0, propensity };
      expect(propensity).toBeCloseTo(seen.propensity, 12);
      given.set(type, { n: seen.n + 1, propensity: seen.propensity });
      counts.set(first.type, given);
    }
    for (const [firstType, given] of counts) {
      const n = firsts.get(firstType)!;
      if (n < 2_000) continue; // too few draws to compare frequencies tightly
      expect(given.has('stop')).toBe(true);
      for (const [, { n: count, propensity }] of given) {
        expect(Math.abs(count / n - propensity)).toBeLessThan(0.035);
      }
    }
  });

  it('sends each whole slate as often as its slate_propensity says', () => {
    const body = learners.find((b) => answer(greedy, b).nudges.length === 3)!;
    const counts = new Map<string, { n: number; propensity: number }>();
    const runs = 20_000;
    for (let i = 0; i < runs; i++) {
      const a = answer(sut, { ...body, decision_id: `slate-${i}` });
      const key = (a.would_have_sent ?? a.nudges).map((n) => n.type).join(',');
      const seen = counts.get(key) ?? { n: 0, propensity: a.slate_propensity };
      expect(a.slate_propensity).toBeCloseTo(seen.propensity, 12);
      counts.set(key, { n: seen.n + 1, propensity: seen.propensity });
    }
    for (const [, { n, propensity }] of counts) {
      expect(Math.abs(n / runs - propensity)).toBeLessThan(0.015);
    }
  });
});
