/// <reference types="jest" />
import { EXAMPLE_ANALYSIS } from '../dto/examples';

/** A UUIDv7: the decision ids the service makes. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * EXAMPLE_ANALYSIS as an app with the given model set answers it: the decision id is made per
 * call and the policy version carries the model set and the config hash.
 */
export function exampleAnswer(modelVersion: string | null): Record<string, unknown> {
  return {
    ...EXAMPLE_ANALYSIS,
    model_version: modelVersion,
    decision_id: expect.stringMatching(UUID_V7),
    policy_version: expect.stringMatching(
      new RegExp(`^${modelVersion ?? 'rules-only'}/[0-9a-f]{16}$`),
    ),
  };
}
