/**
 * `chatscale calibrate [--out FILE] [--force] [--json] [--users N] [--messages N] [--rounds N]`:
 * measures the routing core's CPU cost per operation on this machine (src/engine/calibrate.ts)
 * and writes the cost profile as JSON (default calibrated.json) for scenarios to reference.
 * It refuses to overwrite an existing file without --force. With --json, stdout is the profile
 * only, and no file is written unless --out names one; otherwise a table. This file reads the
 * machine, the clock and the file system; the measuring is a function that returns data.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { outputFileProblems } from '../output-path.js';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { calibrate, type CalibrateOptions, type CostProfile } from '../../engine/calibrate.js';
import { BadInputError, type InputProblem } from '../errors.js';

export interface CalibrateIo {
  stdout(text: string): void;
  exists(path: string): boolean;
  writeFile(path: string, text: string): void;
}

const processIo: CalibrateIo = {
  stdout: (text) => process.stdout.write(text),
  exists: (path) => existsSync(path),
  writeFile: (path, text) => writeFileSync(path, text),
};

interface CalibrateFlags {
  /** Where to write the profile: calibrated.json when left out, except with --json (stdout only). */
  out?: string;
  force?: boolean;
  json?: boolean;
  users?: string;
  messages?: string;
  rounds?: string;
  seed?: string;
}

const DEFAULT_OUT = 'calibrated.json';

const LIMITS = {
  users: { min: 10, max: 2_000_000 },
  messages: { min: 100, max: 100_000_000 },
  rounds: { min: 1, max: 50 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

function parseCount(flag: keyof typeof LIMITS, text: string | undefined, problems: InputProblem[]): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const { min, max } = LIMITS[flag];
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push({ field: `--${flag}`, reason: `expected an integer in ${min}..${max}, got ${JSON.stringify(text)}` });
    return undefined;
  }
  return value;
}

/** The profile as a table: one operation per line, nanoseconds and samples. */
export function renderProfile(profile: CostProfile, out: string): string {
  const names = Object.keys(profile.costsNs);
  const width = Math.max(...names.map((name) => name.length), 'operation'.length);
  const lines = [
    `routing core cost profile, ${profile.machine.cpuModel} (${profile.machine.cores} cores), node ${profile.machine.node}`,
    `measured ${profile.measuredAt}, ${profile.rounds} rounds; clock overhead ${profile.clockOverheadNs} ns subtracted`,
    '',
    `${'operation'.padEnd(width)}  ${'ns'.padStart(9)}  ${'samples'.padStart(10)}`,
  ];
  for (const name of names) {
    lines.push(`${name.padEnd(width)}  ${profile.costsNs[name]!.toFixed(1).padStart(9)}  ${String(profile.samples[name] ?? 0).padStart(10)}`);
  }
  lines.push('', `wrote ${out}`);
  return `${lines.join('\n')}\n`;
}

export function runCalibrate(flags: CalibrateFlags, io: CalibrateIo): CostProfile {
  const problems: InputProblem[] = [];
  const users = parseCount('users', flags.users, problems);
  const messages = parseCount('messages', flags.messages, problems);
  const rounds = parseCount('rounds', flags.rounds, problems);
  const seed = parseCount('seed', flags.seed, problems);
  const out = flags.out ?? (flags.json === true ? null : DEFAULT_OUT);
  if (out !== null) {
    // A folder, an empty name or a missing folder first: --force cannot help with those.
    const pathProblems = outputFileProblems(out, '--out', { overwrite: true });
    if (pathProblems.length > 0) problems.push(...pathProblems);
    else if (io.exists(out) && flags.force !== true) problems.push({ file: out, field: '--out', reason: 'file exists; pass --force to overwrite it' });
  }
  if (problems.length > 0) throw new BadInputError(problems);
  const cpuList = cpus();
  const options: CalibrateOptions = {
    nowNs: () => performance.now() * 1e6,
    machine: { cpuModel: cpuList[0]?.model.trim() ?? 'unknown', cores: cpuList.length, node: process.version },
    measuredAt: new Date().toISOString(),
    users,
    messages,
    rounds,
    seed,
  };
  const profile = calibrate(options);
  const text = `${JSON.stringify(profile, null, 2)}\n`;
  if (out !== null) {
    try {
      io.writeFile(out, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new BadInputError({ file: out, field: '--out', reason: `cannot be written (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error))})` });
    }
  }
  io.stdout(flags.json === true || out === null ? text : renderProfile(profile, out));
  return profile;
}

export function registerCalibrate(program: Command, io: CalibrateIo = processIo): void {
  program
    .command('calibrate')
    .description("measure the routing core's CPU cost per operation on this machine and write a cost profile")
    .option('--out <file>', `where to write the profile (JSON; default ${DEFAULT_OUT}, or with --json no file: stdout only)`)
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print only the profile, as JSON, instead of writing it (unless --out is given too)')
    .option('--users <n>', 'users on the first of the two cores measured (default 20000)')
    .option('--messages <n>', 'one-to-one messages per round (default 100000)')
    .option('--rounds <n>', 'rounds of the mix; costs are medians over rounds (default 3)')
    .option('--seed <n>', 'seed of the synthetic mix')
    .action((flags: CalibrateFlags) => {
      runCalibrate(flags, io);
    });
}
