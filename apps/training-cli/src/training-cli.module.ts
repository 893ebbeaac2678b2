import { Module } from '@nestjs/common';
import { CheckCatalogsCommand } from './checks/catalogs/check-catalogs.command';
import { CheckConfigCommand } from './checks/config/check-config.command';
import { BootHeap } from './cli/v8-heap';
import { CliName } from './cli/cli-name';
import { ProgressService } from './cli/progress.service';
import { CyclesCommand } from './closed-loop/cycles/cycles.command';
import { CyclesService } from './closed-loop/cycles/cycles.service';
import { OpeCommand } from './closed-loop/ope/ope.command';
import { OpeService } from './closed-loop/ope/ope.service';
import { OpeCoverageService } from './closed-loop/report/ope-coverage.service';
import { PromoteCommand } from './closed-loop/promote/promote.command';
import { PromoteService } from './closed-loop/promote/promote.service';
import { SimulatePlatformCommand } from './closed-loop/platform/platform-simulate.command';
import { PlatformService } from './closed-loop/platform/platform.service';
import { ClosedLoopReportCommand } from './closed-loop/report/closed-loop-report.command';
import { ClosedLoopReportService } from './closed-loop/report/closed-loop-report.service';
import { RetrainService } from './closed-loop/retrain/retrain.service';
import { UpliftCommand } from './closed-loop/uplift/uplift.command';
import { CombineCommand } from './closed-loop/combine/combine.command';
import { UpliftService } from './closed-loop/uplift/uplift.service';
import { DatasetCommand } from './offline/dataset/dataset.command';
import { DatasetService } from './offline/dataset/dataset.service';
import { PipelineCommand } from './offline/pipeline/pipeline.command';
import { ReportCommand } from './offline/report/report.command';
import { ReportService } from './offline/report/report.service';
import { SimulateCommand } from './offline/simulate/simulate.command';
import { SimulationService } from './offline/simulate/simulation.service';
import { TrainCommand } from './offline/train/train.command';
import { TrainService } from './offline/train/train.service';
import { ScoreCommand } from './score/score.command';
import { ScoreService } from './score/score.service';

/**
 * The training CLI: the offline steps (simulate, dataset, train, report, pipeline), `score`, the
 * checks, and the closed loop (simulate-platform, uplift, ope, promote, train --from-log,
 * closed-loop-report). Each command is thin over a service; commands never call each other.
 */
@Module({
  providers: [
    BootHeap,
    CliName,
    ProgressService,
    SimulationService,
    DatasetService,
    TrainService,
    ReportService,
    ScoreService,
    PlatformService,
    UpliftService,
    OpeService,
    OpeCoverageService,
    RetrainService,
    PromoteService,
    ClosedLoopReportService,
    CyclesService,
    // Commands in the order --help lists them.
    SimulateCommand,
    DatasetCommand,
    TrainCommand,
    ReportCommand,
    PipelineCommand,
    ScoreCommand,
    CheckCatalogsCommand,
    CheckConfigCommand,
    UpliftCommand,
    CombineCommand,
    OpeCommand,
    PromoteCommand,
    SimulatePlatformCommand,
    ClosedLoopReportCommand,
    CyclesCommand,
  ],
})
export class TrainingCliModule {}
