import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { parseJsonDocument } from '@app/engagement';

function badBody(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}

/**
 * Only uncompressed JSON bodies are accepted (anything else is a 415), parsed strictly:
 * empty, malformed, non-UTF-8, too deep or prototype-polluting documents are a 400, and a body
 * over the limit is a 413.
 */
export function registerJsonBody(fastify: FastifyInstance, bodyLimit: number): void {
  // A compressed body is a media type this service does not take: 415, not a parse error.
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || /^\s*identity\s*$/i.test(encoding)) return done(null, payload);
    void reply.status(415).send({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `Content-Encoding ${encoding} is not supported: send the body uncompressed, as application/json`,
    });
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (_request, body: Buffer, done) => {
      if (body.length === 0) return done(badBody('body is empty; send a JSON object'), undefined);
      const parsed = parseJsonDocument(body);
      if (parsed.ok) done(null, parsed.value);
      else done(badBody(parsed.message), undefined);
    },
  );
}
