import { Module } from '@nestjs/common';
import { ClosedLoopReportCommand } from './closed-loop/report/closed-loop-report.command';
import { ClosedLoopReportService } from './closed-loop/report/closed-loop-report.service';
import { CheckCatalogsCommand } from './checks/catalogs/check-catalogs.command';
import { OpeCommand } from './closed-loop/ope/ope.command';
import { OpeService } from './closed-loop/ope/ope.service';
import { UpliftCommand } from './closed-loop/uplift/uplift.command';
import { UpliftService } from './closed-loop/uplift/uplift.service';
import { SimulatePlatformCommand } from './closed-loop/platform/platform-simulate.command';
import { PlatformService } from './closed-loop/platform/platform.service';
import { CheckConfigCommand } from './checks/config/check-config.command';
import { ProgressService } from './cli/progress.service';
import { DatasetCommand } from './offline/dataset/dataset.command';
import { DatasetService } from './offline/dataset/dataset.service';
import { PipelineCommand } from './offline/pipeline/pipeline.command';
import { ReportCommand } from './offline/report/report.command';
import { ReportService } from './offline/report/report.service';
import { ScoreCommand } from './score/score.command';
import { ScoreService } from './score/score.service';
import { SimulateCommand } from './offline/simulate/simulate.command';
import { SimulationService } from './offline/simulate/simulation.service';
import { RetrainService } from './closed-loop/retrain/retrain.service';
import { TrainCommand } from './offline/train/train.command';
import { TrainService } from './offline/train/train.service';
import { CliName } from './cli/cli-name';

/**
 * The training CLI: one service per step, one thin command per step, `pipeline`, `score`, and
 * `check-catalogs`.
 */
@Module({
  providers: [
    CliName,
    ProgressService,
    SimulationService,
    DatasetService,
    TrainService,
    RetrainService,
    ReportService,
    ScoreService,
    UpliftService,
    OpeService,
    PlatformService,
    ClosedLoopReportService,
    SimulateCommand,
    DatasetCommand,
    TrainCommand,
    ReportCommand,
    PipelineCommand,
    ScoreCommand,
    CheckCatalogsCommand,
    CheckConfigCommand,
    UpliftCommand,
    OpeCommand,
    SimulatePlatformCommand,
    ClosedLoopReportCommand,
  ],
})
export class TrainingCliModule {}
