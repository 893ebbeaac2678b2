import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { validateEnv } from '../../apps/api/src/config/env.config';

const DIR = __dirname;
const ROOT = join(DIR, '../..');

function load<T>(file: string): T {
  return parse(readFileSync(join(DIR, file), 'utf8')) as T;
}

const kustomization = load<{ resources: string[]; configMapGenerator: { files: string[] }[] }>(
  'kustomization.yaml',
);
const deployment = new Deployment(load('deployment.yaml'));
const service = new Service(load('service.yaml'));
const hpa = new HorizontalPodAutoscaler(load('hpa.yaml'));
const pdb = new PodDisruptionBudget(load('pdb.yaml'));
const cronJob = new CronJob(load('score-cronjob.yaml'));
const pod = deployment.spec!.template.spec!;
const container = pod.containers[0];
/** What the operator's Secret holds (README, Kubernetes), as sample values the service accepts. */
const SECRET: Record<string, string> = {
  API_KEYS: 'k_sample_0123456789abcdef',
  LOG_USER_ID_SALT: 'salt_sample_0123456789',
};
const env = Object.fromEntries(
  (container.env ?? []).map(({ name, value, valueFrom }) => [
    name,
    valueFrom?.secretKeyRef === undefined ? value : SECRET[valueFrom.secretKeyRef.key],
  ]),
);

describe('deploy/kubernetes', () => {
  it('lists every manifest in the folder, and only those', () => {
    const manifests = readdirSync(DIR).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it.each([
    ['Deployment', deployment],
    ['Service', service],
    ['HorizontalPodAutoscaler', hpa],
    ['PodDisruptionBudget', pdb],
    ['CronJob', cronJob],
  ])('has a %s that is valid against the Kubernetes schema', (_kind, object) => {
    expect(() => object.validate()).not.toThrow();
  });

  it('ships the committed config (copy it over when it changes: cp config/config.json deploy/kubernetes/)', () => {
    expect(kustomization.configMapGenerator[0].files).toEqual(['config.json']);
    expect(readFileSync(join(DIR, 'config.json'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'config/config.json'), 'utf8'),
    );
  });

  it('sets an environment the service accepts, reading the config from the mounted ConfigMap', () => {
    const settings = validateEnv(env);
    const mount = container.volumeMounts?.find((volume) => volume.name === 'config');
    expect(settings.CONFIG_PATH).toBe(`${mount?.mountPath}/config.json`);
    expect(pod.volumes?.find((volume) => volume.name === 'config')?.configMap?.name).toBe(
      'engine-config',
    );
    expect(container.ports?.find((port) => port.name === 'http')?.containerPort).toBe(
      settings.PORT,
    );
  });

  it("takes the API keys and the log salt from the operator's Secret, never from the repository", () => {
    const fromSecret = (container.env ?? []).filter((variable) => variable.valueFrom !== undefined);
    expect(fromSecret).toEqual([
      {
        name: 'API_KEYS',
        valueFrom: { secretKeyRef: { name: 'engagement-insight-engine', key: 'API_KEYS' } },
      },
      {
        name: 'LOG_USER_ID_SALT',
        valueFrom: { secretKeyRef: { name: 'engagement-insight-engine', key: 'LOG_USER_ID_SALT' } },
      },
    ]);
    expect(kustomization).not.toHaveProperty('secretGenerator');
    expect(validateEnv(env).API_KEYS).toEqual([SECRET.API_KEYS]);
    // A Secret with an empty key list stops the start rather than serving without keys.
    expect(() => validateEnv({ ...env, API_KEYS: '' })).toThrow(
      'invalid environment: API_KEYS must be set: REQUIRE_API_KEYS is true',
    );
  });

  it('logs user ids hashed and refuses to start with a short salt', () => {
    expect(validateEnv(env).LOG_USER_IDS).toBe('hash');
    expect(() => validateEnv({ ...env, LOG_USER_ID_SALT: 'short' })).toThrow(
      'invalid environment: LOG_USER_ID_SALT must be at least 16 characters (or unset, for a random salt per start) when LOG_USER_IDS=hash',
    );
  });

  it('limits each API key to 30,000 requests a minute per process', () => {
    const { RATE_LIMIT_MAX, RATE_LIMIT_TTL } = validateEnv(env);
    expect([RATE_LIMIT_MAX, RATE_LIMIT_TTL]).toEqual([30_000, 60_000]);
  });

  it('drains before the kubelet kills: the grace period exceeds the delay and the drain', () => {
    const { SHUTDOWN_DELAY_MS, SHUTDOWN_TIMEOUT_MS } = validateEnv(env);
    expect(SHUTDOWN_DELAY_MS).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(
      SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS,
    );
  });

  it('probes start-up and liveness on /health and readiness on /health/ready, on the management port', () => {
    expect(container.startupProbe?.httpGet?.path).toBe('/health');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    const { MANAGEMENT_PORT, PORT } = validateEnv(env);
    expect(MANAGEMENT_PORT).toBeGreaterThan(0);
    expect(MANAGEMENT_PORT).not.toBe(PORT);
    const metrics = container.ports?.find((port) => port.name === 'metrics');
    expect(metrics?.containerPort).toBe(MANAGEMENT_PORT);
    for (const probe of [
      container.startupProbe,
      container.livenessProbe,
      container.readinessProbe,
    ]) {
      expect(probe?.httpGet?.port).toBe('metrics');
    }
    // Load is shed before a request has waited as long as a probe may.
    const { MAX_EVENT_LOOP_DELAY_MS } = validateEnv(env);
    expect(MAX_EVENT_LOOP_DELAY_MS).toBeGreaterThan(0);
    expect(MAX_EVENT_LOOP_DELAY_MS).toBeLessThan(container.readinessProbe!.timeoutSeconds! * 1000);
    expect(deployment.spec!.template.metadata!.annotations).toMatchObject({
      'prometheus.io/port': String(MANAGEMENT_PORT),
      'prometheus.io/path': '/metrics',
    });
  });

  it('runs one worker per CPU of its limit, as a non-root user on a read-only root filesystem', () => {
    expect(Number(validateEnv(env).WORKERS)).toBe(Number(container.resources?.limits?.cpu));
    expect(container.resources?.requests).toBeDefined();
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  describe('the nightly scoring CronJob', () => {
    const spec = cronJob.spec!.jobTemplate.spec!;
    const pod = spec.template.spec!;
    const [fetch, scorer] = pod.initContainers!;
    const [upload] = pod.containers;
    const arg = (container: typeof scorer, flag: string) =>
      container.args![container.args!.indexOf(flag) + 1];
    const envOf = (container: typeof scorer, name: string) =>
      container.env?.find((variable) => variable.name === name)?.valueFrom?.fieldRef?.fieldPath;

    it('runs nightly, one run at a time, created suspended', () => {
      expect(cronJob.spec).toMatchObject({
        schedule: '0 2 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        suspend: true,
      });
    });

    it('scores one shard per completion index of an Indexed Job, on the training image', () => {
      expect(spec.completionMode).toBe('Indexed');
      expect(scorer.image).toBe('engagement-insight-engine-training');
      expect(scorer.args![0]).toBe('score');
      expect(arg(scorer, '--shard')).toBe(`$(SHARD)/${spec.completions}`);
      expect(envOf(scorer, 'SHARD')).toBe(
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      );
      expect(Number(arg(scorer, '--workers'))).toBe(Number(scorer.resources?.limits?.cpu));
      expect(arg(scorer, '--config')).toBe('/etc/engagement/config.json');
      expect(pod.volumes?.find((volume) => volume.name === 'config')?.configMap?.name).toBe(
        'engine-config',
      );
    });

    it("needs no shared volume: the input and each shard's answers go through the pod's own", () => {
      const volumes = pod.volumes!.map(({ name, emptyDir, configMap, persistentVolumeClaim }) => ({
        name,
        kind: emptyDir ? 'emptyDir' : configMap ? 'configMap' : persistentVolumeClaim ? 'pvc' : '?',
      }));
      expect(volumes).toEqual([
        { name: 'work', kind: 'emptyDir' },
        { name: 'config', kind: 'configMap' },
      ]);
      // fetch writes the input that score reads; score writes the answers that upload sends.
      expect(fetch.args).toEqual(['copyto', '$(SCORING_PATH)/users.ndjson', arg(scorer, '--in')]);
      expect(upload.args).toEqual([
        'copyto',
        arg(scorer, '--out'),
        '$(SCORING_PATH)/$(RUN)/nudges-$(SHARD).ndjson',
      ]);
      for (const container of [fetch, scorer, upload]) {
        expect(container.volumeMounts?.find((mount) => mount.name === 'work')?.mountPath).toBe(
          '/work',
        );
      }
      // Each run's objects are named by its Job, each shard's by its index.
      expect(envOf(upload, 'RUN')).toBe("metadata.labels['batch.kubernetes.io/job-name']");
      expect(envOf(upload, 'SHARD')).toBe(envOf(scorer, 'SHARD'));
      for (const container of [fetch, upload]) {
        expect(container.envFrom).toEqual([{ secretRef: { name: 'engagement-scoring-store' } }]);
      }
    });

    it('ends a run, retries included, on the day it started: every try scores the same as_of', () => {
      const [minute, hour] = cronJob.spec!.schedule.split(' ').map(Number);
      const endsAt = hour * 3600 + minute * 60 + spec.activeDeadlineSeconds!;
      expect(endsAt).toBeLessThan(24 * 3600);
      expect(scorer.args).not.toContain('--as-of');
    });

    it('runs every container as a non-root user on a read-only root filesystem', () => {
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      for (const container of [fetch, scorer, upload]) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources?.requests).toBeDefined();
      }
    });
  });

  it('points the Service, the budget and the autoscaler at the Deployment', () => {
    const labels = deployment.spec!.template.metadata!.labels!;
    expect(labels).toMatchObject(deployment.spec!.selector.matchLabels!);
    expect(labels).toMatchObject(service.spec!.selector!);
    expect(labels).toMatchObject(pdb.spec!.selector!.matchLabels!);
    expect(hpa.spec!.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata!.name,
    });
    expect(hpa.spec!.minReplicas).toBeGreaterThan(pdb.spec!.minAvailable as number);
  });
});
