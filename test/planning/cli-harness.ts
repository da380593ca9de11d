/**
 * Runs one planning command in-process through commander, capturing stdout and stderr, and maps a
 * thrown error to its exit code exactly as the CLI does (exitCodeFor).
 */
import { Command } from 'commander';
import type { CommandIo } from '../../src/cli/commands/compare.js';
import { exitCodeFor } from '../../src/cli/program.js';

export interface CliRun {
  out: string;
  err: string;
  code: number;
}

export async function runCli(register: (program: Command, io: CommandIo) => void, args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CommandIo = { out: (text) => (out += text), err: (text) => (err += text), errIsTty: false };
  const program = new Command().exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  register(program, io);
  const exitCodeBefore = process.exitCode;
  try {
    await program.parseAsync(args, { from: 'user' });
    const code = typeof process.exitCode === 'number' && process.exitCode !== exitCodeBefore ? process.exitCode : 0;
    return { out, err, code };
  } catch (error) {
    const code = exitCodeFor(error, (text) => (err += text));
    return { out, err, code };
  } finally {
    process.exitCode = exitCodeBefore;
  }
}
