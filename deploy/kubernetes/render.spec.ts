import { execFileSync } from 'node:child_process';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';

/**
 * What `kubectl apply -k deploy/kubernetes` would send, rendered by the tool an operator has:
 * `kustomize build`, else `kubectl kustomize` (KUSTOMIZE names another binary). Without either,
 * the render is not checked here; kubernetes.spec.ts checks each manifest on its own.
 */
function render(): string | undefined {
  const tools: [string, string[]][] = [
    ...(process.env.KUSTOMIZE ? [[process.env.KUSTOMIZE, ['build']] as [string, string[]]] : []),
    ['kustomize', ['build']],
    ['kubectl', ['kustomize']],
  ];
  for (const [tool, args] of tools) {
    try {
      return execFileSync(tool, [...args, __dirname], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}

const KINDS = {
  ConfigMap,
  CronJob,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  Service,
};

const rendered = render();

(rendered === undefined ? describe.skip : describe)('deploy/kubernetes, rendered', () => {
  const objects = parseAllDocuments(rendered ?? '').map(
    (document) => document.toJS() as { kind: keyof typeof KINDS; metadata: { name: string } },
  );
  const byKind = <K extends keyof typeof KINDS>(kind: K) =>
    objects
      .filter((object) => object.kind === kind)
      .map((object) => new KINDS[kind](object as never) as InstanceType<(typeof KINDS)[K]>);

  it('renders one of each object, each valid against the Kubernetes schema', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      expect.stringMatching(/^ConfigMap\/engine-config-[a-z0-9]+$/),
      'CronJob/engagement-score',
      'Deployment/engagement-insight-engine',
      'HorizontalPodAutoscaler/engagement-insight-engine',
      'PodDisruptionBudget/engagement-insight-engine',
      'Service/engagement-insight-engine',
    ]);
    for (const object of objects) {
      const Model = KINDS[object.kind];
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('mounts the generated config by its hashed name in the API and the scoring pods', () => {
    const [config] = byKind('ConfigMap');
    const [deployment] = byKind('Deployment');
    const [cronJob] = byKind('CronJob');
    const pods = [deployment.spec!.template.spec!, cronJob.spec!.jobTemplate.spec!.template.spec!];
    for (const pod of pods) {
      expect(pod.volumes?.find((volume) => volume.name === 'config')?.configMap?.name).toBe(
        config.metadata!.name,
      );
    }
  });

  it('labels every object and selects the API pods by the labels they carry', () => {
    for (const object of objects) {
      expect(object.metadata).toMatchObject({
        labels: { 'app.kubernetes.io/name': 'engagement-insight-engine' },
      });
    }
    const [deployment] = byKind('Deployment');
    const [service] = byKind('Service');
    const labels = deployment.spec!.template.metadata!.labels!;
    expect(labels).toMatchObject(deployment.spec!.selector.matchLabels!);
    expect(labels).toMatchObject(service.spec!.selector!);
    expect(deployment.spec!.selector.matchLabels).toMatchObject({
      'app.kubernetes.io/name': 'engagement-insight-engine',
    });
  });

  it('runs the tagged API and training images', () => {
    const [deployment] = byKind('Deployment');
    const [cronJob] = byKind('CronJob');
    expect(deployment.spec!.template.spec!.containers[0].image).toBe(
      'engagement-insight-engine:latest',
    );
    expect(
      cronJob.spec!.jobTemplate.spec!.template.spec!.initContainers!.map(({ image }) => image),
    ).toEqual(['rclone/rclone:1.68.2', 'engagement-insight-engine-training:latest']);
  });
});
