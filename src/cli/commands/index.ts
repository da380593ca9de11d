/** Every command registers itself here; add one line per new command file. */
import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerCalibrate } from './calibrate.js';
import { registerCompare } from './compare.js';
import { registerMerge } from './merge.js';
import { registerPlan } from './plan.js';
import { registerQueue } from './queue.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';
import { registerValidate } from './validate.js';
import { registerWhatif } from './whatif.js';

export function registerCommands(program: Command): void {
  registerRun(program);
  registerValidate(program);
  registerQueue(program);
  registerCalibrate(program);
  registerBench(program);
  registerCompare(program);
  registerWhatif(program);
  registerSweep(program);
  registerMerge(program);
  registerPlan(program);
}
