import { DynamicModule, Module } from '@nestjs/common';
import { Lifecycle } from '../process/lifecycle';
import { DECISION_LOG_LIFECYCLE, DecisionLog } from './decision-log.service';

/** The decision log, one per app: the endpoints record into it, /health and /metrics read it. */
@Module({})
export class DecisionLogModule {
  static forRoot(lifecycle: Lifecycle): DynamicModule {
    return {
      module: DecisionLogModule,
      providers: [DecisionLog, { provide: DECISION_LOG_LIFECYCLE, useValue: lifecycle }],
      exports: [DecisionLog],
    };
  }
}
