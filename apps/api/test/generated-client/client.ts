/**
 * What a platform team writes against the service: an openapi-fetch client typed by the types
 * openapi-typescript generates from docs/openapi.json (into ./generated/openapi.ts, by the test
 * that type-checks this file). If the document stops describing what these calls read, this
 * file stops compiling.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/openapi';

type Request = components['schemas']['AnalyzeEngagementRequestDto'];

export function engagementClient(baseUrl: string, apiKey: string) {
  const client = createClient<paths>({ baseUrl, headers: { 'x-api-key': apiKey } });
  return {
    /** The nudge types for one learner, or the fields the service refused. */
    async nudgeTypes(request: Request): Promise<string[]> {
      const { data, error } = await client.POST('/analyze-engagement', { body: request });
      if (error !== undefined) {
        const fields = (error.errors ?? []).map((field) => `${field.path}: ${field.message}`);
        throw new Error(`${error.status} ${error.title}: ${error.detail} ${fields.join('; ')}`);
      }
      return data.nudges.map((nudge) => nudge.type);
    },

    /** How many learners of a batch were analysed, and the index of each that failed. */
    async batch(items: Request[]): Promise<{ analysed: number; failed: number[] }> {
      const { data, error } = await client.POST('/analyze-engagement/batch', {
        body: { as_of: '2025-06-30', items },
      });
      if (error !== undefined) throw new Error(error.detail);
      // The discriminator types each entry: a failed item is `kind: 'error'`, with its index.
      const failed = data.results.flatMap((result) =>
        result.kind === 'error' ? [result.index] : [],
      );
      return { analysed: data.results.length - failed.length, failed };
    },

    /** The adapter and model set an instance runs. */
    async version(): Promise<string> {
      const { data, error } = await client.GET('/version');
      if (error !== undefined) throw new Error(error.detail);
      return `${data.http_adapter} ${data.model_version ?? 'rules-only'}`;
    },

    /** The Prometheus text, not JSON. */
    async metrics(): Promise<string> {
      const { data, error } = await client.GET('/metrics', { parseAs: 'text' });
      if (error !== undefined) throw new Error(error.detail);
      return data;
    },
  };
}
