import { ModelSet } from '@app/ml/inference';
import { EngineConfig } from './engine-config';

/**
 * Why `models` cannot be served under `config`, or undefined when they can (or there are none):
 * an uplift objective ranks by what an uplift set predicts, and a propensity objective thresholds
 * what a propensity set predicts, so a set of the other kind would be read as what it is not.
 */
export function objectiveMismatch(
  config: EngineConfig,
  models: ModelSet | undefined,
): string | undefined {
  if (models === undefined) return undefined;
  const configs: [string, EngineConfig][] = [['', config]];
  for (const [key, variant] of config.variants) configs.push([` of variant ${key}`, variant]);
  const wrong = configs.find(([, c]) => c.policy.objective !== models.objective);
  if (wrong === undefined) return undefined;
  const [where, c] = wrong;
  const fix =
    models.objective === 'uplift'
      ? 'set policy.objective to "uplift" to serve it'
      : 'train an uplift set (train --from-log --objective uplift) or set policy.objective to "propensity"';
  return `policy.objective${where} is "${c.policy.objective}" but the models (version ${models.version}) are ${models.objective === 'uplift' ? 'an uplift' : 'a propensity'} set: ${fix}`;
}
