#!/usr/bin/env node
/** Process entry point: run the CLI with the real argv and set the exit code. */
// First, so that V8's settings apply before any other module is evaluated.
import './v8-flags.js';
import { EXIT_INTERNAL } from './errors.js';
import { main } from './program.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
