import { describe, expect, it } from 'vitest';
import { busiestServers, groupServers } from '../../src/report/servers.js';
import { downsample, sparkline } from '../../src/report/sparkline.js';
import { renderMarkdownTable, renderTable } from '../../src/report/table.js';
import { sampleServers } from '../fixtures/run-result.js';

describe('server grouping', () => {
  it('weights the CPU mean by cores and sums connections and operations', () => {
    const servers = sampleServers(2).filter((server) => server.region === 'eu' && server.role !== 'offlineStore');
    // Make the directory part of the chat group to mix core counts: (16*0.4 + 16*0.43 + 8*0.2) / 40.
    servers[2] = { ...servers[2]!, role: 'chat' };
    const [group] = groupServers(servers);
    expect(group).toEqual({
      region: 'eu',
      role: 'chat',
      servers: 3,
      cores: 40,
      cpuUtilisationMean: (16 * 0.4 + 16 * 0.43 + 8 * 0.2) / 40,
      cpuUtilisationMax: 0.43,
      memoryBytesPeakMax: 4 * 1024 ** 3,
      connectionsPeak: 201_000,
      cpuQueuePeakMax: 11,
      operations: 2_510_000,
      dropped: 0,
    });
  });

  it('orders the busiest by CPU, ties by id', () => {
    const servers = sampleServers(2);
    servers[0] = { ...servers[0]!, cpuUtilisation: 0.53 };
    expect(busiestServers(servers, 3).map((server) => server.id)).toEqual(['eu-chat-0', 'in-chat-1', 'in-chat-0']);
  });
});

describe('sparkline', () => {
  it('spans the series from its minimum to its maximum', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 10, 10])).toBe('▄▄▄');
    expect(sparkline([])).toBe('');
  });

  it('averages neighbours to fit the width', () => {
    expect(downsample([1, 3, 5, 7, 9, 11], 3)).toEqual([2, 6, 10]);
    expect(sparkline(Array.from({ length: 120 }, (_, i) => i), 60)).toHaveLength(60);
  });
});

describe('tables', () => {
  it('pads columns, right-aligns numbers and trims the line end', () => {
    expect(renderTable([['name', 'n'], ['a', '1,000'], ['longer', '5']], { align: ['left', 'right'] })).toEqual([
      '  name        n',
      '  a       1,000',
      '  longer      5',
    ]);
  });

  it('escapes pipes in Markdown cells', () => {
    expect(renderMarkdownTable([['a', 'b'], ['x|y', '1']], ['left', 'right'])).toEqual(['| a | b |', '| --- | ---: |', '| x\\|y | 1 |']);
  });
});
