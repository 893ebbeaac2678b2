import { Test } from '@nestjs/testing';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCalendarDate } from '@app/learner';
import { MlService } from '@app/ml';
import { EXAMPLE_REQUEST } from '@app/contract';
import { EngagementModule } from './engagement.module';
import { EngagementService } from './engagement.service';
import { CLOCK, HandedOverState } from './engagement.tokens';
import { LiveEngine } from './live-engine';

const ROOT = join(__dirname, '../../../..');
const CONFIG = JSON.parse(readFileSync(join(ROOT, 'config/config.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** A config and a models folder of the test's own, to rewrite between reloads. */
function workspace(withModels: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'live-engine-'));
  const configPath = join(dir, 'config.json');
  const modelsDir = join(dir, 'models');
  writeFileSync(configPath, JSON.stringify(CONFIG));
  if (withModels) cpSync(join(ROOT, 'models'), modelsDir, { recursive: true });
  return {
    dir,
    configPath,
    modelsDir,
    writeConfig: (changes: Record<string, unknown>) =>
      writeFileSync(configPath, JSON.stringify({ ...CONFIG, ...changes })),
  };
}

async function start(files: ReturnType<typeof workspace>, startFrom?: HandedOverState) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      EngagementModule.forRootAsync({
        useFactory: () => ({ configPath: files.configPath, modelsDir: files.modelsDir, startFrom }),
      }),
    ],
  })
    .overrideProvider(CLOCK)
    .useValue({ today: () => parseCalendarDate('2025-07-01')! })
    .compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return {
    live: moduleRef.get(LiveEngine),
    ml: moduleRef.get(MlService),
    engagement: moduleRef.get(EngagementService),
  };
}

function analyze(engagement: EngagementService) {
  const valid = engagement.validate(EXAMPLE_REQUEST);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return engagement.analyze(valid.value);
}

describe(LiveEngine.name, () => {
  let files: ReturnType<typeof workspace>;
  afterEach(() => rmSync(files.dir, { recursive: true, force: true }));

  it('takes a new valid config and the models, and the next answer uses them', async () => {
    files = workspace(true);
    const { live, engagement } = await start(files);
    const before = live.config.hash;
    const version = live.state.models?.version;
    expect(analyze(engagement).nudges).toHaveLength(3);

    files.writeConfig({ max_nudges: 2 });
    const result = await live.reload();

    expect(result).toEqual({ ok: true, configHash: live.config.hash, modelVersion: version });
    expect(live.config.hash).not.toBe(before);
    const answer = analyze(engagement);
    expect(answer.nudges).toHaveLength(2);
    expect(answer.policy_version).toBe(`${version}/${live.config.hash}`);
  });

  it('keeps serving the old config when the new one is invalid, and says which key', async () => {
    files = workspace(true);
    const { live } = await start(files);
    const before = live.state;

    files.writeConfig({ max_nudges: 'three' });
    const result = await live.reload();

    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ configHash: before.config.hash });
    expect(!result.ok && result.reason).toContain('max_nudges');
    expect(live.state).toEqual(before);
    expect(live.config).toBe(before.config);
  });

  it('remembers how the last reload ended, for the health report', async () => {
    files = workspace(true);
    const { live } = await start(files);
    expect(live.lastReload).toBeUndefined();

    files.writeConfig({ max_nudges: 'three' });
    const refused = await live.reload();
    expect(live.lastReload).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      result: 'refused',
      reason: !refused.ok && refused.reason,
    });

    files.writeConfig({ max_nudges: 2 });
    await live.reload();
    expect(live.lastReload).toEqual({ at: expect.stringMatching(/^\d{4}-/), result: 'ok' });
    expect(Date.parse(live.lastReload!.at)).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a config whose objective the models do not serve, keeping both, naming the key', async () => {
    files = workspace(true);
    const { live } = await start(files);
    const before = live.state;
    const version = before.models!.version;

    files.writeConfig({ policy: { objective: 'uplift' } });
    const result = await live.reload();

    expect(result).toEqual({
      ok: false,
      reason: `policy.objective is "uplift" but the models (version ${version}) are a propensity set: train an uplift set (train --from-log --objective uplift) or set policy.objective to "propensity"`,
      configHash: before.config.hash,
      modelVersion: version,
    });
    expect(live.state).toEqual(before);
  });

  it('does not start with a config whose objective the models do not serve', async () => {
    files = workspace(true);
    files.writeConfig({ policy: { objective: 'uplift' } });
    await expect(start(files)).rejects.toThrow(
      `invalid config ${files.configPath}: policy.objective is "uplift" but the models`,
    );
  });

  it('starts rules-only with an uplift objective when no models load', async () => {
    files = workspace(false);
    files.writeConfig({ policy: { objective: 'uplift' } });
    const { live, engagement } = await start(files);
    expect(live.state.models).toBeUndefined();
    expect(analyze(engagement).nudges.map((n) => n.type)).toEqual(['resume', 'comeback', 'quiz']);
  });

  it('keeps the old config and models when the new models cannot be loaded', async () => {
    files = workspace(true);
    const { live, ml } = await start(files);
    const before = live.state;
    files.writeConfig({ max_nudges: 2 });
    writeFileSync(join(files.modelsDir, 'manifest.json'), '{ not json');

    const result = await live.reload();

    expect(result.ok).toBe(false);
    // The JSON parser's own words differ between Node versions.
    expect(!result.ok && result.reason).toMatch(
      `the models cannot be loaded: ${join(files.modelsDir, 'manifest.json')} is not valid JSON: Expected property name`,
    );
    expect(live.config).toBe(before.config);
    expect(live.state.models).toBe(before.models);
    expect(ml.status().mode).toBe('ml');
  });

  it('takes a new config in rules-only mode while the models are still missing', async () => {
    files = workspace(false);
    const { live, ml } = await start(files);
    expect(ml.status().mode).toBe('rules-only');

    files.writeConfig({ max_nudges: 1 });
    const result = await live.reload();

    expect(result).toEqual({ ok: true, configHash: live.config.hash, modelVersion: null });
    expect(live.config.max_nudges).toBe(1);
    expect(ml.status()).toMatchObject({ mode: 'rules-only', error: 'cannot read the manifest' });

    // The models arrive: the next reload serves them.
    cpSync(join(ROOT, 'models'), files.modelsDir, { recursive: true });
    expect(await live.reload()).toMatchObject({ ok: true, modelVersion: expect.any(String) });
    expect(ml.status().mode).toBe('ml');
  });

  it('starts from a handed-over state without reading the files, and reloads from them later', async () => {
    files = workspace(true);
    files.writeConfig({ max_nudges: 2 });
    const first = await start(files);
    const handed = first.live.handOver;
    files.writeConfig({ max_nudges: 'three' });
    writeFileSync(join(files.modelsDir, 'manifest.json'), '{ not json');

    const { live, ml, engagement } = await start(files, handed);

    expect(live.config.hash).toBe(first.live.config.hash);
    expect(ml.status()).toMatchObject({ mode: 'ml', modelVersion: first.ml.models!.version });
    expect(analyze(engagement).nudges).toHaveLength(2);
    expect(await live.reload()).toMatchObject({ ok: false, configHash: first.live.config.hash });
    cpSync(join(ROOT, 'models'), files.modelsDir, { recursive: true });
    files.writeConfig({ max_nudges: 1 });
    expect(await live.reload()).toMatchObject({ ok: true });
    expect(analyze(engagement).nudges).toHaveLength(1);
  });

  it('starts rules-only from a handed-over state that had no models, saying why', async () => {
    files = workspace(false);
    const first = await start(files);
    cpSync(join(ROOT, 'models'), files.modelsDir, { recursive: true });

    const { ml } = await start(files, first.live.handOver);

    expect(first.live.handOver.modelsError).toBe('cannot read the manifest');
    expect(ml.status()).toMatchObject({ mode: 'rules-only', error: 'cannot read the manifest' });
  });

  it('never runs two reloads at once; asks made during one share the next', async () => {
    files = workspace(true);
    const { live, ml } = await start(files);
    const load = jest.spyOn(ml, 'load');

    const asks = [live.reload(), live.reload(), live.reload(), live.reload()];
    expect(load).toHaveBeenCalledTimes(1);
    const results = await Promise.all(asks);

    expect(load).toHaveBeenCalledTimes(2);
    expect(results[1]).toBe(results[2]);
    expect(results[2]).toBe(results[3]);
    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('answers a whole batch with the config it started with, across a reload', async () => {
    files = workspace(true);
    const { live, ml, engagement } = await start(files);
    const before = live.config.hash;
    // The models resolve at once, so the swap lands in the batch's first turn of the loop.
    jest.spyOn(ml, 'load').mockResolvedValue(ml.models!);
    const items = Array.from({ length: 120 }, (_, i) => ({
      ...EXAMPLE_REQUEST,
      decision_id: `d${i}`,
    }));
    const batch = engagement.validateBatch({ as_of: '2025-06-30', items }, 1000);
    if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
    files.writeConfig({ max_nudges: 1 });

    let batchDone = false;
    let swappedDuringBatch = false;
    const [results] = await Promise.all([
      engagement.analyzeBatch(batch.value).finally(() => (batchDone = true)),
      new Promise<void>((resolve) =>
        setImmediate(
          () =>
            void live.reload().then(() => {
              swappedDuringBatch = !batchDone;
              resolve();
            }),
        ),
      ),
    ]);

    expect(swappedDuringBatch).toBe(true);
    expect(live.config.hash).not.toBe(before);
    const hashes = new Set(
      results.map((r) => ('policy_version' in r ? r.policy_version.split('/')[1] : 'error')),
    );
    expect([...hashes]).toEqual([before]);
    expect(results.every((r) => 'nudges' in r && r.nudges.length === 3)).toBe(true);
    expect(analyze(engagement).nudges).toHaveLength(1);
  });
});
