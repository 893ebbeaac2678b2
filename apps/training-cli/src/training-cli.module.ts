import { Module } from '@nestjs/common';
import { ProgressService } from './cli/progress.service';
import { DatasetCommand } from './dataset/dataset.command';
import { DatasetService } from './dataset/dataset.service';
import { PipelineCommand } from './pipeline/pipeline.command';
import { ReportCommand } from './report/report.command';
import { ReportService } from './report/report.service';
import { SimulateCommand } from './simulate/simulate.command';
import { SimulationService } from './simulate/simulation.service';
import { TrainCommand } from './train/train.command';
import { TrainService } from './train/train.service';

/** The training CLI: one service per step, one thin command per step, and `pipeline`. */
@Module({
  providers: [
    ProgressService,
    SimulationService,
    DatasetService,
    TrainService,
    ReportService,
    SimulateCommand,
    DatasetCommand,
    TrainCommand,
    ReportCommand,
    PipelineCommand,
  ],
})
export class TrainingCliModule {}
