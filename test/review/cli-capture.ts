/**
 * Runs the CLI in this process (`main`, as bin/chatscale.js calls it) and captures what it writes,
 * for the review tests of bad input: exit code, stdout and stderr. `cwd`, when given, is the
 * working directory for the call (restored after it).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/program.js';
import { SMALL } from './small-scenario.js';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

/** A stack frame line, as printed by the internal-error path. */
export const STACK_LINE = /^\s+at /m;

export async function cli(args: string[], cwd?: string): Promise<CliOutcome> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  const exitCodeBefore = process.exitCode;
  const cwdBefore = process.cwd();
  try {
    if (cwd !== undefined) process.chdir(cwd);
    const code = await main(args);
    return { code, out, err };
  } finally {
    process.chdir(cwdBefore);
    process.exitCode = exitCodeBefore;
    vi.restoreAllMocks();
  }
}

/**
 * A fresh folder per test holding SMALL as small.yaml: `dir()` and `scenario()` read them. Mocks of
 * stdout and stderr are restored after each test, even one that failed inside `cli`.
 */
export function smallScenarioPerTest(prefix: string): { dir: () => string; scenario: () => string } {
  let dir = '';
  let scenario = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    scenario = join(dir, 'small.yaml');
    writeFileSync(scenario, SMALL);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return { dir: () => dir, scenario: () => scenario };
}
