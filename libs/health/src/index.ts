export { HealthController } from './health.controller';
export { HealthModuleOptions } from './health.module-definition';
export { HealthModule } from './health.module';
export { TfjsInfoDto, VersionDto } from './version.dto';
