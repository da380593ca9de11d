/** `chatscale run` in-process, for tests: its exit code and what it printed on stdout and stderr. */
import { Command } from 'commander';
import { registerRun } from '../../src/cli/commands/run.js';
import { exitCodeFor } from '../../src/cli/program.js';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

export async function runCommand(args: string[]): Promise<CliOutcome> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: (t) => (err += t), writeOut: (t) => (out += t) });
  registerRun(program, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTty: false, stdoutIsTty: false });
  try {
    await program.parseAsync(['run', ...args], { from: 'user' });
    return { code: 0, out, err };
  } catch (error) {
    return { code: exitCodeFor(error, (t) => (err += t)), out, err };
  }
}
