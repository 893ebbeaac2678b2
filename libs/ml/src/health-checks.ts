import { TerminusModule } from '@nestjs/terminus';

/**
 * Terminus, once for the whole app: the libraries' health indicators and the app's health
 * controller import this same object (Nest 11 tells dynamic modules apart by reference, so
 * separate imports would build, and log, separate instances). A failing check is the probe's
 * answer; it is not also logged on every probe.
 */
export const HEALTH_CHECKS = TerminusModule.forRoot({ logger: false });
