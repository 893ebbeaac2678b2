import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { IContainer as Container } from 'kubernetes-models/v1/Container';
import { parse } from 'yaml';

const DIR = __dirname;
const ROOT = join(DIR, '../../..');

function load<T>(file: string): T {
  return parse(readFileSync(join(DIR, file), 'utf8')) as T;
}

const kustomization = load<{ resources: string[]; configMapGenerator: { files: string[] }[] }>(
  'kustomization.yaml',
);
const shards = new Job(load('shards-job.yaml'));
const combine = new Job(load('combine-job.yaml'));

/** A pod's containers by name, init containers first. */
function containers(job: Job): Record<string, Container> {
  const pod = job.spec!.template.spec!;
  return Object.fromEntries(
    [...(pod.initContainers ?? []), ...pod.containers].map((container) => [
      container.name,
      container,
    ]),
  );
}

const arg = (container: Container, flag: string) =>
  container.args![container.args!.indexOf(flag) + 1];

describe('deploy/kubernetes/evaluation', () => {
  const { fetch, uplift, ope, upload } = containers(shards);
  const combined = containers(combine);

  it('lists every manifest in the folder, and ships an exploring logging config and a candidate', () => {
    const manifests = readdirSync(DIR).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    expect(kustomization.configMapGenerator[0].files).toEqual(['logging.json', 'candidate.json']);
    // The committed config, exploring with a holdout; the candidate sends one nudge.
    const committed = JSON.parse(readFileSync(join(ROOT, 'config/config.json'), 'utf8'));
    const logging = {
      ...committed,
      assignment: { holdout_percent: 10 },
      policy: { exploration_epsilon: 0.2 },
    };
    expect(load('logging.json')).toEqual(logging);
    expect(load('candidate.json')).toEqual({
      ...committed,
      assignment: logging.assignment,
      max_nudges: 1,
    });
  });

  it.each([
    ['the shards', shards],
    ['combine', combine],
  ])('has a Job for %s that is valid against the Kubernetes schema', (_name, job) => {
    expect(() => job.validate()).not.toThrow();
  });

  it.each([
    ['uplift', uplift],
    ['ope', ope],
  ])(
    'runs %s for one shard per completion index, over the whole log, a thread per CPU',
    (command, container) => {
      expect(shards.spec).toMatchObject({ completionMode: 'Indexed', maxFailedIndexes: 0 });
      expect(container.image).toBe('engagement-insight-engine-training');
      expect(container.args![0]).toBe(command);
      expect(arg(container, '--shard')).toBe(`$(SHARD)/${shards.spec!.completions}`);
      expect(container.env?.find((v) => v.name === 'SHARD')?.valueFrom?.fieldRef?.fieldPath).toBe(
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      );
      expect(Number(arg(container, '--threads'))).toBe(Number(container.resources?.limits?.cpu));
      expect(arg(container, '--decisions')).toBe('/work/decisions/*');
      expect(arg(container, '--outcomes')).toBe('/work/outcomes/*');
      expect(arg(container, '--partial')).toBe(`/work/out/${command}-partial-$(SHARD).json`);
      // The partitions go to the pod volume, as the root filesystem is read-only.
      expect(container.env?.find((v) => v.name === 'TMPDIR')?.value).toBe('/work/tmp');
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    },
  );

  it('fetches the logs and makes the folders the commands write to', () => {
    expect(fetch.args![0]).toContain('rclone copy "$LOG_PATH/decisions" /work/decisions');
    expect(fetch.args![0]).toContain('rclone copy "$LOG_PATH/outcomes" /work/outcomes');
    expect(fetch.args![0]).toContain('mkdir -p /work/tmp /work/out');
  });

  it('weighs the candidate against the config that made the logs', () => {
    expect(arg(uplift, '--config')).toBe('/etc/engagement/logging.json');
    expect(arg(ope, '--logging-config')).toBe('/etc/engagement/logging.json');
    expect(arg(ope, '--config')).toBe('/etc/engagement/candidate.json');
  });

  it('hands the partials through the store to combine, which waits suspended', () => {
    expect(upload.args).toEqual(['copy', '/work/out', '$(EVALUATION_PATH)']);
    expect(combine.spec!.suspend).toBe(true);
    expect(combined.fetch.args).toEqual([
      'copy',
      '$(EVALUATION_PATH)',
      '/work/parts',
      '--include',
      '*-partial-*.json',
    ]);
    for (const command of ['uplift', 'ope']) {
      expect(combined[`combine-${command}`].args).toEqual([
        'combine',
        '--partial',
        `/work/parts/${command}-partial-*.json`,
        '--html',
        `/work/${command}.html`,
      ]);
    }
    expect(combined.upload.args).toEqual([
      'copy',
      '/work',
      '$(EVALUATION_PATH)',
      '--include',
      '*.html',
      '--max-depth',
      '1',
    ]);
  });

  it('runs every container as a non-root user on a read-only root filesystem', () => {
    for (const job of [shards, combine]) {
      expect(job.spec!.template.spec!.securityContext?.runAsNonRoot).toBe(true);
      for (const container of Object.values(containers(job))) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.envFrom ?? [{ secretRef: { name: 'engagement-log-store' } }]).toEqual([
          { secretRef: { name: 'engagement-log-store' } },
        ]);
      }
    }
  });
});
