#!/usr/bin/env -S GLIBC_TUNABLES=${GLIBC_TUNABLES}:glibc.malloc.hugetlb=1 node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
//
// Huge pages. The routing core keeps a million device records per server in one 128 MB typed
// array, and every message lands on two random records of it: with 4 KiB pages each of those is a
// TLB miss (a nested page walk under a hypervisor). glibc backs large allocations with transparent
// huge pages when the tunable glibc.malloc.hugetlb=1 is set at process start (kernels with THP in
// "madvise" mode, the usual default, give them to no one else), which is worth about 20% on
// `chatscale bench --case core-1to1` (BENCHMARKS.md, core sitting, session 3). A running process
// cannot set it for itself, so:
// - executed directly (`npx chatscale`, an installed `chatscale`, `./bin/chatscale.js`), the
//   shebang line adds it to the environment (keeping any tunables already set);
// - run as `node bin/chatscale.js`, the shebang is not read: the launcher starts the CLI again in
//   a child node with the tunable added (the same node, flags and arguments; about 50 ms more).
// Setting glibc.malloc.hugetlb yourself (e.g. GLIBC_TUNABLES=glibc.malloc.hugetlb=0) turns both off.
// Elsewhere than Linux nothing changes (musl and other platforms ignore the variable).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';
const tunables = process.env.GLIBC_TUNABLES ?? '';

if (process.platform === 'linux' && !tunables.includes('glibc.malloc.hugetlb')) {
  const env = { ...process.env, GLIBC_TUNABLES: tunables === '' ? HUGE_PAGES_TUNABLE : `${tunables}:${HUGE_PAGES_TUNABLE}` };
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  // The child shares the terminal, so Ctrl-C reaches it directly; a signal sent to this process
  // alone (a job runner's SIGTERM) is passed on, and this process ends the way the child did.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exitCode = code ?? 1;
    }
  });
  child.on('error', (error) => {
    process.stderr.write(`error: could not start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 3;
  });
} else {
  import('../dist/cli/main.js').catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('error: chatscale is not built; run `npm install` (or `npm run build`) first\n');
      process.exit(3);
    }
    throw error;
  });
}
