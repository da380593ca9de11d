/** Every command registers itself here; add one line per new command file. */
import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerCalibrate } from './calibrate.js';
import { registerQueue } from './queue.js';
import { registerRun } from './run.js';
import { registerValidate } from './validate.js';

export function registerCommands(program: Command): void {
  registerRun(program);
  registerValidate(program);
  registerQueue(program);
  registerCalibrate(program);
  registerBench(program);
}
