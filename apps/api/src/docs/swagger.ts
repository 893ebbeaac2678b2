import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';
import {
  ActivityDto,
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementRequestDto,
  DeliveredNudgeDto,
  EXAMPLE_ANALYSIS,
  EXAMPLE_REQUEST,
  PeerSnapshotDto,
  ProfileDto,
  UserDataDto,
} from '@app/contract';
import { EngagementService } from '@app/engagement';
import type { Env } from '../config/env.config';
import { APP_INFO } from '../config/app-info';
import { API_KEY_SCHEME } from './api-docs';

/** The request DTOs whose class-validator rules the document states as schema keywords. */
const REQUEST_DTOS: readonly (new () => unknown)[] = [
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementBatchRequestDto,
  UserDataDto,
  ProfileDto,
  ActivityDto,
  PeerSnapshotDto,
  DeliveredNudgeDto,
];

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

type Schema = SchemaObject | ReferenceObject;

function isSchemaObject(schema: Schema | undefined): schema is SchemaObject {
  return schema !== undefined && !('$ref' in schema);
}

/**
 * What the swagger plugin leaves out of the request schemas, read from the same
 * class-validator decorators the server validates with: integers, array sizes, and the shape
 * of a calendar date. The document is then as strict as the server.
 */
function tightenRequestSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const storage = getMetadataStorage();
  for (const dto of REQUEST_DTOS) {
    const schema = schemas[dto.name];
    if (!isSchemaObject(schema)) continue;
    const properties = schema.properties ?? {};
    for (const rule of storage.getTargetValidationMetadatas(dto, '', true, false)) {
      const property = properties[rule.propertyName];
      if (!isSchemaObject(property)) continue;
      const [limit] = (rule.constraints ?? []) as unknown[];
      if (rule.name === 'isInt' && !rule.each) property.type = 'integer';
      if (rule.name === 'arrayMaxSize' && typeof limit === 'number') property.maxItems = limit;
      if (rule.name === 'arrayMinSize' && typeof limit === 'number') property.minItems = limit;
    }
    for (const property of Object.values(properties)) {
      if (isSchemaObject(property) && property.format === 'date') property.pattern = DATE_PATTERN;
    }
  }
}

/** Settings that change the contract of this instance: the batch size and the model set. */
function describeInstance(document: OpenAPIObject, app: INestApplication): void {
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  const batch = document.components?.schemas?.[AnalyzeEngagementBatchRequestDto.name];
  const items = isSchemaObject(batch) ? batch.properties?.items : undefined;
  if (isSchemaObject(items)) items.maxItems = env.get('BATCH_MAX_ITEMS', { infer: true });
  // The example answer is this instance's answer to the example request (with the example's
  // decision id, as a caller would send it): the model set and policy it names are real.
  const answer = document.paths['/analyze-engagement']?.post?.responses['200'];
  const media =
    answer !== undefined && 'content' in answer ? answer.content?.['application/json'] : undefined;
  const engagement = app.get(EngagementService);
  const valid = engagement.validate({
    ...EXAMPLE_REQUEST,
    decision_id: EXAMPLE_ANALYSIS.decision_id,
  });
  if (media !== undefined && valid.ok) media.example = engagement.analyze(valid.value);
  // Probes are open whatever API_KEYS says; every other operation declares the key.
  for (const path of ['/health', '/health/ready']) {
    const operation = document.paths[path]?.get;
    if (operation !== undefined) operation.security = [];
  }
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Engagement Insight Engine')
    .setDescription(
      'Up to three prioritized, explained nudges for one learner, from config-driven rules, an event-FOMO score and small logistic models. Errors are RFC 9457 problem details (`application/problem+json`).',
    )
    .setVersion(APP_INFO.version)
    .setLicense('Proprietary (UNLICENSED): all rights reserved', 'https://spdx.org/licenses/')
    .addServer('/', 'This instance')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
        description: 'One of API_KEYS; needed only when the service runs with API_KEYS set.',
      },
      API_KEY_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  tightenRequestSchemas(document);
  describeInstance(document, app);
  return document;
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json (and /docs-yaml). */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
