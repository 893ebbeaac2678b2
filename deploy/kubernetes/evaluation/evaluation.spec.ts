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
const shards = new Job(load('uplift-shards-job.yaml'));
const combine = new Job(load('uplift-combine-job.yaml'));

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
  const { fetch, uplift, upload } = containers(shards);
  const combined = containers(combine);

  it('lists every manifest in the folder, and ships the committed config', () => {
    const manifests = readdirSync(DIR).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    expect(kustomization.configMapGenerator[0].files).toEqual(['config.json']);
    expect(readFileSync(join(DIR, 'config.json'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'config/config.json'), 'utf8'),
    );
  });

  it.each([
    ['the shards', shards],
    ['combine', combine],
  ])('has a Job for %s that is valid against the Kubernetes schema', (_name, job) => {
    expect(() => job.validate()).not.toThrow();
  });

  it('tallies one shard per completion index, every shard over the whole log, a thread per CPU', () => {
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', maxFailedIndexes: 0 });
    expect(uplift.image).toBe('engagement-insight-engine-training');
    expect(uplift.args![0]).toBe('uplift');
    expect(arg(uplift, '--shard')).toBe(`$(SHARD)/${shards.spec!.completions}`);
    expect(uplift.env?.find((v) => v.name === 'SHARD')?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    expect(Number(arg(uplift, '--threads'))).toBe(Number(uplift.resources?.limits?.cpu));
    expect(arg(uplift, '--decisions')).toBe('/work/decisions/*');
    expect(arg(uplift, '--outcomes')).toBe('/work/outcomes/*');
    expect(fetch.args![0]).toContain('rclone copy "$LOG_PATH/decisions" /work/decisions');
    expect(fetch.args![0]).toContain('rclone copy "$LOG_PATH/outcomes" /work/outcomes');
  });

  it('keeps the partitions on the pod volume, as the root filesystem is read-only', () => {
    expect(uplift.env?.find((v) => v.name === 'TMPDIR')?.value).toBe('/work/tmp');
    expect(fetch.args![0]).toContain('mkdir -p /work/tmp');
    expect(uplift.securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('hands each partial through the store to combine, which waits suspended', () => {
    expect(upload.args).toEqual([
      'copyto',
      arg(uplift, '--partial'),
      '$(EVALUATION_PATH)/uplift-partial-$(SHARD).json',
    ]);
    expect(combine.spec!.suspend).toBe(true);
    expect(combined.fetch.args).toEqual([
      'copy',
      '$(EVALUATION_PATH)',
      '/work/parts',
      '--include',
      'uplift-partial-*.json',
    ]);
    expect(combined.combine.args).toEqual([
      'combine',
      '--partial',
      '/work/parts/uplift-partial-*.json',
      '--html',
      '/work/uplift.html',
    ]);
    expect(combined.upload.args).toEqual([
      'copyto',
      '/work/uplift.html',
      '$(EVALUATION_PATH)/uplift.html',
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
