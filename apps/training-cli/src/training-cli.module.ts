import { Module } from '@nestjs/common';
import { ClosedLoopReportCommand } from './closed-loop/closed-loop-report.command';
import { CheckCatalogsCommand } from './catalogs/check-catalogs.command';
import { OpeCommand } from './closed-loop/ope.command';
import { UpliftCommand } from './closed-loop/uplift.command';
import { SimulatePlatformCommand } from './closed-loop/platform-simulate.command';
import { CheckConfigCommand } from './config/check-config.command';
import { ProgressService } from './cli/progress.service';
import { DatasetCommand } from './dataset/dataset.command';
import { DatasetService } from './dataset/dataset.service';
import { PipelineCommand } from './pipeline/pipeline.command';
import { ReportCommand } from './report/report.command';
import { ReportService } from './report/report.service';
import { ScoreCommand } from './score/score.command';
import { ScoreService } from './score/score.service';
import { SimulateCommand } from './simulate/simulate.command';
import { SimulationService } from './simulate/simulation.service';
import { FromLogTrainingService } from './train/from-log.service';
import { TrainCommand } from './train/train.command';
import { TrainService } from './train/train.service';
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
    FromLogTrainingService,
    ReportService,
    ScoreService,
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
