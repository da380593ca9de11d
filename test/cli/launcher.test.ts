/**
 * The launcher (bin/chatscale.js) end to end: which glibc tunables and V8 flags the CLI's child
 * process gets. A preload given through NODE_OPTIONS (which the child inherits) prints the child's
 * GLIBC_TUNABLES and node flags and exits, so no command runs. Only where the launcher starts a
 * child at all: Linux with glibc 2.35 or later.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../bin/chatscale.js', import.meta.url));
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
const [major, minor] = (glibc ?? '0.0').split('.').map(Number);
const startsAChild = process.platform === 'linux' && (major! > 2 || (major === 2 && minor! >= 35));

const dir = mkdtempSync(join(tmpdir(), 'chatscale-launcher-'));
const probe = join(dir, 'probe.mjs');
writeFileSync(
  probe,
  `if ((process.env.GLIBC_TUNABLES ?? '').includes('hugetlb')) {
  process.stdout.write(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES, execArgv: process.execArgv }));
  process.exit(0);
}
`,
);

/** What the process that sees glibc.malloc.hugetlb gets (the child, unless the user set it). */
function childOf(extraEnv: Record<string, string>): { tunables: string[]; execArgv: string[] } {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--import ${probe}`, ...extraEnv };
  for (const name of ['GLIBC_TUNABLES', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_THRESHOLD_']) if (!(name in extraEnv)) delete env[name];
  const result = spawnSync(process.execPath, [LAUNCHER, '--version'], { env, encoding: 'utf8', timeout: 30_000 });
  const seen = JSON.parse(result.stdout) as { tunables: string; execArgv: string[] };
  return { tunables: seen.tunables.split(':'), execArgv: seen.execArgv };
}

describe.runIf(startsAChild)('the launcher', () => {
  it('gives the child huge pages, the fixed mmap threshold, no trimming, a 64 MiB pad and 64 MB semi-spaces', () => {
    const child = childOf({});
    expect(child.tunables).toEqual([
      'glibc.malloc.hugetlb=1',
      'glibc.malloc.mmap_threshold=2097152',
      'glibc.malloc.trim_threshold=2147483648',
      'glibc.malloc.top_pad=67108864',
    ]);
    expect(child.execArgv).toContain('--max-semi-space-size=64');
  });

  it("keeps a tunable the user set, in GLIBC_TUNABLES or by glibc's older variable, and adds the rest", () => {
    const child = childOf({ GLIBC_TUNABLES: 'glibc.malloc.top_pad=4096', MALLOC_TRIM_THRESHOLD_: '1000000' });
    expect(child.tunables).toEqual(['glibc.malloc.top_pad=4096', 'glibc.malloc.hugetlb=1', 'glibc.malloc.mmap_threshold=2097152']);
  });

  it('starts no child when the user set the huge pages themselves, and adds nothing', () => {
    const seen = childOf({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' });
    expect(seen.tunables).toEqual(['glibc.malloc.hugetlb=0']);
    expect(seen.execArgv).not.toContain('--max-semi-space-size=64');
  });
});
