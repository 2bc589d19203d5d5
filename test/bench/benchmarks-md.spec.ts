import { BenchReport, DESIGN_TARGETS, fullRun, missedNotes, renderBenchmarks } from './benchmarks-md';
import type { Row } from './harness';
import { SCENARIOS } from './scenarios';

const row = (fields: Partial<Row> & Pick<Row, 'scenario' | 'metric'>): Row => {
  const r = { unit: 'req/s', value: 100, limit: 200, target: '', pass: null, ...fields } as Omit<Row, 'ratio'>;
  return { ...r, ratio: r.limit ? r.value / r.limit : null };
};

const machine = { cpuModel: 'Test CPU @ 2.0GHz', cores: 2, memoryGiB: 23.4, node: 'v20.20.2', postgres: '15.20', redis: '7.0.15', runIdlePct: 41.6 };

function report(overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    date: new Date('2026-12-02T03:10:00Z'),
    command: 'npm run bench',
    code: 'abc1234',
    durationS: 600,
    machine,
    plan: [
      { scenario: 'check-in-storm', shapes: ['split', 'all'] },
      { scenario: 'event-report', shapes: ['split'] },
    ],
    results: [
      {
        role: 'split',
        rows: [
          row({ scenario: 'check-in-storm', metric: 'check-ins/s vs raw node:http + pg', value: 700, limit: 1000, target: '≥ 60 % of raw', pass: true, machine: 'idle 95 %, load 0.3' }),
          row({ scenario: 'check-in-storm', metric: 'check-in p99 vs raw', unit: 'ms', value: 90, limit: 30, target: '≤ 200 % of raw', pass: false, machine: 'idle 96 %, load 0.2' }),
          row({ scenario: 'check-in-storm', metric: 'check-in p50 vs raw', unit: 'ms', value: 20, limit: 10 }),
          row({ scenario: 'check-in-storm', metric: 'API RSS, peak during the storm', unit: 'MB', value: 231, limit: 250, target: '≤ 250 MB', pass: true }),
          row({ scenario: 'event-report', metric: 'event report p50', unit: 'ms', value: 180, limit: 150, target: '≤ 150 ms', pass: false, machine: 'BUSY idle 52 %, load 2.1' }),
        ],
      },
      {
        role: 'all',
        rows: [row({ scenario: 'check-in-storm', metric: 'check-ins/s vs raw node:http + pg', value: 800, limit: 1000, target: '≥ 60 % of raw', pass: true, machine: 'idle 90 %, load 0.5' })],
      },
    ],
    ...overrides,
  };
}

describe('BENCHMARKS.md writer', () => {
  it('puts every targeted row in the design.md table with its value, limit, ratio, target, result and shape', () => {
    const md = renderBenchmarks(report());
    expect(md).toContain('| check-in storm: 10,000 scans at 64 concurrent | check-ins/s vs raw node:http + pg | split | 700 req/s | 1,000 req/s | 70 % | ≥ 60 % of raw | met | idle 95 %, load 0.3 |');
    expect(md).toContain('| check-in storm: 10,000 scans at 64 concurrent | check-ins/s vs raw node:http + pg | all | 800 req/s | 1,000 req/s | 80 % | ≥ 60 % of raw | met | idle 90 %, load 0.5 |');
    expect(md).toContain('| check-in storm: 10,000 scans at 64 concurrent | check-in p99 vs raw | split | 90 ms | 30 ms | 300 % | ≤ 200 % of raw | **missed** |');
    expect(md).toContain('| API memory under the storms | API RSS, peak during the storm | split | 231 MB | 250 MB | 92 % | ≤ 250 MB | met | – |');
    // A row without a target is only in the full table, with dashes.
    expect(md).toContain('| check-in-storm | check-in p50 vs raw | 20 ms | 10 ms | 200 % | – | – | – |');
    expect(md).toContain('**3 of 5 targets met**; 2 missed (notes below).');
  });

  it('notes every missed target from its row, saying whether the machine was busy', () => {
    const notes = missedNotes(report());
    expect(notes).toContain(
      '**check-in-storm**, check-in p99 vs raw (split): 90 ms against a limit of 30 ms (ratio 300 %); target ≤ 200 % of raw — missed. The machine was quiet just before it (idle 96 %, load 0.2), so this is not noise from other work.',
    );
    expect(notes.find((n) => n.startsWith('**event-report**'))).toMatch(/180 ms against a limit of 150 ms .*target ≤ 150 ms — missed\. The machine was busy just before this measurement \(idle 52 %, load 2\.1\)/);
    expect(renderBenchmarks(report())).toContain(`## Notes on targets missed\n\n- ${notes[0]}`);
  });

  it('says when a design.md row or a planned scenario has no figure, and when every target was met', () => {
    const notes = missedNotes(report());
    expect(notes).toContain("design.md's “invitations: 10,000 mails through the queue to a local SMTP server” has no figure in this run (scenarios invitations).");
    expect(renderBenchmarks(report())).toContain('| leadership dashboard over 1,000,000 check-ins | ≥ 70 % of the same SQL run directly; p50 ≤ 1 s | – | not measured |');

    const lost = missedNotes(report({ results: [report().results[0]] }));
    expect(lost).toContain('**check-in-storm** (all): no figure in this run, so its targets are not shown as met.');

    const allMet = report({ plan: [], results: [{ role: 'split', rows: [row({ scenario: 'article-generation', metric: 'generation in process, p50', unit: 'ms', value: 0.1, limit: 20, target: '≤ 20 ms', pass: true })] }] });
    const md = renderBenchmarks({ ...allMet, results: allMet.results });
    expect(md).toContain('**1 of 1 targets met**.');
    expect(md).not.toContain('None: every target was met'); // the other design rows are not measured here
  });

  it('describes the machine, the date, the command and the code measured', () => {
    const md = renderBenchmarks(report());
    expect(md).toContain('Written by `npm run bench` on 2026-12-02 03:10 UTC from `abc1234`, in 10 min.');
    expect(md).toContain('| CPU | Test CPU @ 2.0GHz, 2 cores |');
    expect(md).toContain('| memory | 23.4 GiB |');
    expect(md).toContain('| Node.js | v20.20.2 |');
    expect(md).toContain('| PostgreSQL | 15.20 |');
    expect(md).toContain('| Redis | 7.0.15 |');
    expect(md).toContain('| idle CPU before each measurement | 52 % at the least, 95 % median; 1 rows measured on a BUSY machine (idle < 75 %) |');
    expect(md).toContain('| idle CPU over the whole run | 42 % (the bench’s own load included) |');
    expect(md).not.toContain('Partial run');
    expect(renderBenchmarks(report({ partial: 'scenarios users-me only' }))).toContain('**Partial run** (scenarios users-me only)');
  });

  it('escapes a | inside a cell so the table keeps its columns', () => {
    const md = renderBenchmarks(report({ results: [{ role: 'split', rows: [row({ scenario: 'x', metric: 'a | b' })] }] }));
    expect(md).toContain('| x | a \\| b |');
  });

  it('covers the seven rows of design.md’s Targets table, each with scenarios that npm run bench has', () => {
    expect(DESIGN_TARGETS).toHaveLength(7);
    const names = SCENARIOS.map((s) => s.name);
    for (const t of DESIGN_TARGETS) for (const scenario of t.scenarios) expect(names).toContain(scenario);
  });
});

describe('which runs write BENCHMARKS.md', () => {
  const all = ['users-me', 'registration-storm', 'check-in-storm'];
  const defaults = { names: [], roles: ['split', 'all'] as ('split' | 'all')[], duration: 10, connections: 64 };

  it('a plain `npm run bench` (or every scenario named) is a full run', () => {
    expect(fullRun(defaults, all)).toEqual({ full: true, why: '' });
    expect(fullRun({ ...defaults, names: [...all] }, all).full).toBe(true);
  });

  it('a subset of scenarios, one shape, or other durations and connections are partial, saying why', () => {
    expect(fullRun({ ...defaults, names: ['users-me'] }, all)).toEqual({ full: false, why: 'scenarios users-me only' });
    expect(fullRun({ ...defaults, roles: ['all'] }, all)).toEqual({ full: false, why: '--role=all only' });
    expect(fullRun({ ...defaults, duration: 5, connections: 100 }, all)).toEqual({ full: false, why: '--duration=5; --connections=100' });
  });
});
