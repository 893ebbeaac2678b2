import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { EXAMPLE_ANALYSIS } from '@app/contract';

/**
 * An adapter's floor: a bare Nest 11 app on HTTP_ADAPTER with Nest's default JSON body parser,
 * one route that answers the same fixed body as the ceiling, and nothing else (no middleware,
 * validation, logging or metrics). The service on that adapter can only be slower.
 */
@Controller()
class FixedController {
  /** The probe the bench waits for before measuring. */
  @Get()
  ready(): string {
    return 'ok';
  }

  @Post('analyze-engagement')
  @HttpCode(200)
  answer(@Body() _body: unknown): unknown {
    return EXAMPLE_ANALYSIS;
  }
}

@Module({ controllers: [FixedController] })
class FixedModule {}

async function main(): Promise<void> {
  const adapter =
    process.env.HTTP_ADAPTER === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(FixedModule, adapter, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
