/**
 * chatscale's command line. This file only wires commander; each command lives in
 * src/cli/commands/<name>.ts, parses its flags, calls a function that returns data and renders it.
 * The CLI is the one place that touches process, files and wall time (DESIGN.md section 2).
 */
import { Command, CommanderError } from 'commander';
import { BadInputError, EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_INTERNAL, GateFailedError } from './errors.js';
import { registerCommands } from './commands/index.js';
import { ClockRangeError, describeClockOverrun } from '../sim/time.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('chatscale')
    .description('Discrete-event simulator and capacity planner for messaging backends')
    .version('0.1.0')
    .showHelpAfterError(false)
    .configureOutput({
      // Commander's own parse errors (unknown flag, missing argument) are bad input: exit 2.
      outputError: (text, write) => write(text.startsWith('error:') ? text : `error: ${text}`),
    })
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Maps any thrown error to an exit code, printing one line per problem and no stack for bad input. */
export function exitCodeFor(error: unknown, writeErr: (text: string) => void): number {
  if (error instanceof BadInputError) {
    writeErr(`${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof ClockRangeError) {
    // A delay drawn from the scenario too long for the clock: the input's fault, not a bug.
    writeErr(
      `error: the simulation needed an event (${error.what}) ${describeClockOverrun(error.atNs)}: a latency, CPU cost or bandwidth in the scenario is too extreme ` +
        '(look at accessLatency, links, interServerLatency, costs, nic and message sizes)\n',
    );
    return EXIT_BAD_INPUT;
  }
  if (error instanceof GateFailedError) {
    writeErr(`${error.message}\n`);
    return EXIT_GATE_FAILED;
  }
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeErr(`internal error (a bug in chatscale; please report it with the command line):\n${text}\n`);
  return EXIT_INTERNAL;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return exitCodeFor(error, (text) => process.stderr.write(text));
  }
}
