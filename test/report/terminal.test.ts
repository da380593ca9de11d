import { describe, expect, it } from 'vitest';
import { renderRunText } from '../../src/report/terminal.js';
import { sampleRunResult } from '../fixtures/run-result.js';

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

const EXPECTED_PLAIN = `chatscale run  fixture-two-regions
  seed 42 · full fidelity · 10s simulated · chatscale 0.1.0 · stopped by duration

Messages
  sent            2,000,000  200,000/s in
  delivered       1,999,000  199,900/s out
  dropped                12
  pending               988
  to devices      2,600,000
  stored offline      3,400
  expired                 0
  rejected                0
  unsent                  0

End-to-end latency (ms)
      count    mean     p50     p90     p99   p99.9     max
  1,999,000  62.297  61.834  64.120  67.903  71.550  80.127

Servers (8: 4 chat, 2 directory, 2 offlineStore)
  id              role          region  cores    cpu  memory peak  connections  queue peak  queue mean  operations  dropped
  eu-chat-0       chat          eu         16  40.0%         2GiB      100,000          10         0.5   1,000,000        0
  eu-chat-1       chat          eu         16  43.0%         3GiB      101,000          11        0.75   1,010,000        0
  eu-directory-0  directory     eu          8  20.0%         4GiB            0           3       0.125     500,000        0
  eu-store-0      offlineStore  eu          8  10.0%         8GiB            0           1       0.063       1,700        0
  in-chat-0       chat          in         16  50.0%       2.5GiB      150,000          15         1.5   1,200,000        0
  in-chat-1       chat          in         16  53.0%       3.5GiB      151,000          16        1.75   1,210,000       12
  in-directory-0  directory     in          8  25.0%         4GiB            0           3       0.125     500,000        0
  in-store-0      offlineStore  in          8  10.0%         8GiB            0           1       0.063       1,700        0

Links
  id      from  to  bandwidth  utilisation    bytes  messages  lost
  eu-in   eu    in     10Gbps        12.5%  1.15GiB   150,000     3
  in-eu   in    eu     10Gbps         6.3%   589MiB    75,000     0
  eu-lan  eu    eu  unlimited    unlimited  94.2MiB   400,000     0

Operations
  ack           2,600,000
  deliver       2,600,000
  fanout          600,000
  receipt       1,999,000
  route         2,000,000
  storeOffline      3,400

Time series (5 intervals of 2s)
  sent per 2s       ▁▆█▅▃  380,000 .. 420,000
  delivered per 2s  ▁▆█▅▃  379,000 .. 419,900
  latency p50 (ms)  ▁▆█▄▃  61.500 .. 62.100
  latency p99 (ms)  ▁▅█▃▂  66.200 .. 70.100
  chat cpu          ▁▅█▄▂  44.0% .. 49.0%
  connections       ▁▆█▇▆  295,000 .. 302,000

Run: 1.25s wall · 12,000,000 events (9,600,000/s) · 1,600,000 messages/s · peak RSS 512MiB
`;

describe('renderRunText', () => {
  it('prints every section of a small deployment, servers one by one', () => {
    expect(renderRunText(sampleRunResult(), { color: false })).toBe(EXPECTED_PLAIN);
  });

  it('aggregates many servers by region and role and lists the busiest', () => {
    const lines = renderRunText(sampleRunResult({ chatServersPerRegion: 10 }), { color: false }).split('\n');
    const start = lines.indexOf('Servers (24: 20 chat, 2 directory, 2 offlineStore)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 16)).toEqual([
      '  region  role          servers  cores  cpu mean  cpu max  memory peak max  connections  queue peak max  operations  dropped',
      // Core-weighted mean of 0.40, 0.43, ..., 0.67 (equal cores): 0.535.
      '  eu      chat               10    160     53.5%    67.0%            11GiB    1,045,000              19  10,450,000        0',
      '  eu      directory           1      8     20.0%    20.0%             4GiB            0               3     500,000        0',
      '  eu      offlineStore        1      8     10.0%    10.0%             8GiB            0               1       1,700        0',
      '  in      chat               10    160     63.5%    77.0%          11.5GiB    1,545,000              24  12,450,000       12',
      '  in      directory           1      8     25.0%    25.0%             4GiB            0               3     500,000        0',
      '  in      offlineStore        1      8     10.0%    10.0%             8GiB            0               1       1,700        0',
      '',
      'Busiest 5 by CPU',
      '  id         role  region  cores    cpu  memory peak  connections  queue peak  queue mean  operations  dropped',
      '  in-chat-9  chat  in         16  77.0%      11.5GiB      159,000          24        3.75   1,290,000        0',
      '  in-chat-8  chat  in         16  74.0%      10.5GiB      158,000          23         3.5   1,280,000        0',
      '  in-chat-7  chat  in         16  71.0%       9.5GiB      157,000          22        3.25   1,270,000        0',
      '  in-chat-6  chat  in         16  68.0%       8.5GiB      156,000          21           3   1,260,000        0',
      '  eu-chat-9  chat  eu         16  67.0%        11GiB      109,000          19        2.75   1,090,000        0',
    ]);
  });

  it('says when a run was cut short', () => {
    const lines = renderRunText(sampleRunResult({ partial: true }), { color: false }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'chatscale run  fixture-two-regions',
      '  seed 42 · full fidelity · 10s simulated · chatscale 0.1.0 · stopped by interrupt',
      '  PARTIAL: the run was cut short (interrupt); figures cover the simulated time so far',
    ]);
  });

  it('colours only when asked, and colour never moves a column', () => {
    const result = sampleRunResult();
    result.servers[0]!.cpuUtilisation = 0.85;
    result.servers[1]!.cpuUtilisation = 0.97;
    const coloured = renderRunText(result, { color: true });
    const plain = renderRunText(result, { color: false });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(stripAnsi(coloured)).toBe(plain);
    const lines = coloured.split('\n');
    expect(lines).toContain('\u001b[1mMessages\u001b[22m');
    // Drops in red, padded before colouring; CPU from 80% yellow, from 95% red; zero drops plain.
    expect(lines).toContain('  dropped         \u001b[31m       12\u001b[39m');
    expect(lines).toContain('  expired                 0');
    expect(coloured).toContain('  16  \u001b[33m85.0%\u001b[39m');
    expect(coloured).toContain('  16  \u001b[31m97.0%\u001b[39m');
  });

  it('leaves out sections with nothing in them', () => {
    const result = sampleRunResult();
    result.servers = [];
    result.links = [];
    result.operations = {};
    result.timeSeries = { ...result.timeSeries, startMs: [], sent: [], delivered: [], latencyP50Ms: [], latencyP99Ms: [], cpuUtilisationMean: [], connections: [] };
    const text = renderRunText(result, { color: false });
    expect(text).not.toMatch(/^(Servers|Links|Operations|Time series)/m);
    expect(text.endsWith('  1,999,000  62.297  61.834  64.120  67.903  71.550  80.127\n\nRun: 1.25s wall · 12,000,000 events (9,600,000/s) · 1,600,000 messages/s · peak RSS 512MiB\n')).toBe(true);
  });
});
