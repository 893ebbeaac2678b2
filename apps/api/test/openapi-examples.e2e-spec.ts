import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestApp } from './test-app';

/** A part of the served OpenAPI document's JSON Schema, as far as this suite reads it. */
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly required?: readonly string[];
  readonly example?: unknown;
}

interface Media {
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, { readonly value: unknown }>>;
}

interface Operation {
  readonly requestBody?: { readonly content: Readonly<Record<string, Media>> };
  readonly responses: Readonly<
    Record<string, { readonly content?: Readonly<Record<string, Media>> }>
  >;
}

interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema>> };
}

/**
 * Values the service cannot answer alike on every host: which tfjs package and backend load
 * depends on whether the optional native package installed. Their examples must be one of the
 * values the service can answer.
 */
const HOST_DEPENDENT: Readonly<Record<string, readonly unknown[]>> = {
  'TfjsInfoDto.package': ['@tensorflow/tfjs', '@tensorflow/tfjs-node'],
  'TfjsInfoDto.backend': ['cpu', 'tensorflow'],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every example the served document shows is something this service answers: the example answer
 * is the answer to the example request, and each property's example in a response schema is that
 * property's value in an answer to one of the documented requests (the request examples, in both
 * views; the example learner with one bad field, alone and in a batch; the probes). A drifted example — a stale config hash,
 * a reworded title, a field the service no longer sends so — fails here, naming the schema, the
 * property and the values the service gave. A decision id is made per call unless the caller
 * sends one, so the documented requests go with the example answer's, as a caller would.
 */
describe('the OpenAPI examples', () => {
  let app: INestApplication;
  let document: Document;
  /** `<schema>.<property>` → the values answers gave that property. */
  const seen = new Map<string, unknown[]>();

  const schemaOf = (ref: string) => document.components.schemas[ref.split('/').pop() as string];
  const nameOf = (ref: string) => ref.split('/').pop() as string;

  /** Whether `value` is an instance of `schema` as far as its keys tell. */
  function fits(schema: Schema, value: unknown): boolean {
    const resolved = schema.$ref === undefined ? schema : schemaOf(schema.$ref);
    if (resolved.type === 'array') return Array.isArray(value);
    if (!isObject(value)) return !(resolved.type === 'object' || resolved.properties);
    const required = resolved.required ?? [];
    if (!required.every((key) => key in value)) return false;
    const properties = resolved.properties;
    if (properties === undefined || resolved.additionalProperties) return true;
    return Object.keys(value).every((key) => key in properties);
  }

  /** Records what `value` says of each property of `schema`, down its whole tree. */
  function observe(schema: Schema, value: unknown, name?: string): void {
    if (schema.$ref !== undefined) {
      observe(schemaOf(schema.$ref), value, nameOf(schema.$ref));
      return;
    }
    for (const part of schema.allOf ?? []) observe(part, value, name);
    for (const variant of schema.anyOf ?? schema.oneOf ?? []) {
      if (fits(variant, value)) observe(variant, value, name);
    }
    if (Array.isArray(value) && schema.items !== undefined) {
      for (const item of value) observe(schema.items, item, name);
      return;
    }
    if (!isObject(value) || schema.properties === undefined) return;
    for (const [key, property] of Object.entries(schema.properties)) {
      if (!(key in value)) continue;
      if (name !== undefined) {
        const at = `${name}.${key}`;
        seen.set(at, [...(seen.get(at) ?? []), value[key]]);
      }
      observe(property, value[key]);
    }
  }

  /** Sends a request and records its answer against the schema the document gives its status. */
  async function answer(
    method: 'get' | 'post',
    path: string,
    body?: unknown,
  ): Promise<request.Response> {
    const call = request(app.getHttpServer())[method](path);
    const response = await (body === undefined ? call : call.send(body as object));
    const [pathOnly] = path.split('?');
    const declared = document.paths[pathOnly][method].responses[String(response.status)];
    const media = Object.values(declared?.content ?? {})[0];
    if (media?.schema !== undefined) observe(media.schema, response.body);
    return response;
  }

  const requestExamples = (path: string) =>
    Object.entries(
      document.paths[path].post.requestBody?.content['application/json'].examples ?? {},
    );

  /** The response schemas: those an operation's responses reach, by name. */
  function responseSchemas(): Set<string> {
    const names = new Set<string>();
    const visit = (schema: Schema | undefined): void => {
      if (schema === undefined) return;
      if (schema.$ref !== undefined) {
        const name = nameOf(schema.$ref);
        if (names.has(name)) return;
        names.add(name);
        visit(schemaOf(schema.$ref));
        return;
      }
      for (const part of [
        ...(schema.allOf ?? []),
        ...(schema.anyOf ?? []),
        ...(schema.oneOf ?? []),
      ]) {
        visit(part);
      }
      visit(schema.items);
      for (const property of Object.values(schema.properties ?? {})) visit(property);
      if (isObject(schema.additionalProperties)) visit(schema.additionalProperties);
    };
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        for (const response of Object.values(operation.responses)) {
          for (const media of Object.values(response.content ?? {})) visit(media.schema);
        }
      }
    }
    return names;
  }

  beforeAll(async () => {
    app = await createTestApp();
    document = (await request(app.getHttpServer()).get('/docs-json')).body as Document;
    const single = document.paths['/analyze-engagement'].post;
    const shown = single.responses['200'].content?.['application/json'].example as {
      decision_id: string;
    };
    for (const [, { value }] of requestExamples('/analyze-engagement')) {
      const body = value as Record<string, unknown>;
      // The example answer's decision id, as a caller sends one; an example with its own keeps it.
      const sent = { decision_id: shown.decision_id, ...body };
      for (const view of ['full', 'compact']) {
        await answer('post', `/analyze-engagement?view=${view}`, sent);
      }
    }
    for (const [, { value }] of requestExamples('/analyze-engagement/batch')) {
      const batch = value as { items: object[] };
      const [first, ...rest] = batch.items;
      const sent = { ...batch, items: [{ decision_id: shown.decision_id, ...first }, ...rest] };
      for (const view of ['full', 'compact']) {
        await answer('post', `/analyze-engagement/batch?view=${view}`, sent);
      }
    }
    // A request with one bad field, alone and as the second item of a batch.
    const [example] = requestExamples('/analyze-engagement');
    const learner = example[1].value as { user_data: { profile: object } };
    const bad = {
      ...learner,
      user_data: { ...learner.user_data, profile: { ...learner.user_data.profile, karma: -1 } },
    };
    await answer('post', '/analyze-engagement', bad);
    await answer('post', '/analyze-engagement/batch', { items: [learner, bad] });
    for (const path of ['/', '/health', '/health/ready', '/version']) await answer('get', path);
  });

  afterAll(async () => {
    await app.close();
  });

  it('shows as the example answer what the service answers to the example request', async () => {
    const operation = document.paths['/analyze-engagement'].post;
    const shown = operation.responses['200'].content?.['application/json'].example as {
      decision_id: string;
    };
    const [[, { value }]] = requestExamples('/analyze-engagement');
    const live = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send({ ...(value as object), decision_id: shown.decision_id });
    expect(live.status).toBe(200);
    expect(shown).toEqual(live.body);
  });

  it("shows in docs/api.md, as its invalid-request example, the service's answer to a negative karma", async () => {
    const markdown = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');
    const [, shown] = /```json\n([\s\S]*?)\n```/.exec(markdown) ?? [];
    const [[, { value }]] = requestExamples('/analyze-engagement');
    const learner = value as { user_data: { profile: object } };
    const live = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send({
        ...learner,
        user_data: { ...learner.user_data, profile: { ...learner.user_data.profile, karma: -1 } },
      });
    expect(live.status).toBe(400);
    expect(JSON.parse(shown)).toEqual(live.body);
  });

  it('answers every request example with a 200', async () => {
    for (const path of ['/analyze-engagement', '/analyze-engagement/batch']) {
      for (const [name, { value }] of requestExamples(path)) {
        const response = await request(app.getHttpServer())
          .post(path)
          .send(value as object);
        expect([path, name, response.status]).toEqual([path, name, 200]);
      }
    }
  });

  it("shows as each response property's example a value the service answered", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const name of responseSchemas()) {
      const schema = document.components.schemas[name];
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (!('example' in property)) continue;
        checked++;
        const at = `${name}.${key}`;
        const answered = HOST_DEPENDENT[at] ?? seen.get(at) ?? [];
        if (answered.some((value) => isDeepStrictEqual(value, property.example))) continue;
        const shown = [...new Set(answered.map((value) => JSON.stringify(value)))].slice(0, 3);
        problems.push(
          `${at}: example ${JSON.stringify(property.example)}, answered ${shown.join(' | ') || 'never'}`,
        );
      }
    }
    expect(problems).toEqual([]);
    // The suite reads the document it means to: response schemas with many examples.
    expect(checked).toBeGreaterThan(50);
  });
});
