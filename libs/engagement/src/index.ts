export * from './engine';
export { EngagementModule, EngagementModuleOptions } from './nest/engagement.module';
export { EngagementService } from './nest/engagement.service';
export { CLOCK, Clock, HandedOverState } from './nest/engagement.tokens';
export { ConfigHealthIndicator } from './nest/engine-config.health';
export { LastReload, LiveEngine, ReloadResult } from './nest/live-engine';
