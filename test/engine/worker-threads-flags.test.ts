/**
 * When a run's worker threads fill the machine's cores, their isolates compile and scavenge on their
 * own threads (worker-threads-flags.ts); with a core to spare they keep V8's helper threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lanesFillTheCores } from '../../src/engine/worker-threads-flags.js';

/** A hot function in the main thread, then in a worker started after the flags were set; V8's trace says how each was compiled. */
const PROBE = (moduleUrl: string, lanes: string) => `
import { Worker, isMainThread } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { keepNewWorkersOnTheirThreads } from ${JSON.stringify(moduleUrl)};
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; }
let t = 0;
for (let k = 0; k < 3000; k++) t += hot(1000);
if (isMainThread) {
  keepNewWorkersOnTheirThreads(${lanes});
  new Worker(new URL(import.meta.url));
}
`;

function compileModes(lanes: string): Array<string | undefined> | null {
  const moduleUrl = new URL('../../dist/engine/worker-threads-flags.js', import.meta.url);
  if (!existsSync(fileURLToPath(moduleUrl))) return null; // dist/ is built by npm install
  const file = join(mkdtempSync(join(tmpdir(), 'chatscale-flags-')), 'probe.mjs');
  writeFileSync(file, PROBE(moduleUrl.href, lanes));
  const out = spawnSync(process.execPath, ['--trace-opt', file], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout
    .split('\n')
    .filter((line) => line.startsWith('[compiling method') && line.includes('<JSFunction hot'))
    .map((line) => /mode: ConcurrencyMode::(\w+)/.exec(line)?.[1]);
}

describe('V8 helper threads for worker lanes', () => {
  it('counts the lanes against the cores', () => {
    expect(lanesFillTheCores(2, 2)).toBe(true);
    expect(lanesFillTheCores(8, 2)).toBe(true);
    expect(lanesFillTheCores(1, 2)).toBe(false);
    expect(lanesFillTheCores(2, 8)).toBe(false);
  });

  it('makes workers started after lanes that fill the cores compile on their own thread; the main thread keeps its compiler', () => {
    const modes = compileModes('availableParallelism()');
    if (modes === null) return;
    // (A concurrent job may be logged more than once: only the kinds are compared.)
    expect(modes[0]).toBe('kConcurrent');
    expect(modes).toContain('kSynchronous');
  });

  it('changes nothing when a core is left idle', () => {
    const modes = compileModes('availableParallelism() - 1');
    if (modes === null) return;
    expect(modes.length).toBeGreaterThanOrEqual(2);
    expect(modes.every((mode) => mode === 'kConcurrent')).toBe(true);
  });
});
