import type { Row } from './harness';

// BENCHMARKS.md, written by a full `npm run bench` (run.ts): pure functions from the run's rows to
// markdown, so the writer is unit-tested without running a bench (benchmarks-md.spec.ts).

export type Shape = 'split' | 'all';

/** The rows one process shape produced. */
export interface ShapeRows {
  role: Shape;
  rows: Row[];
}

/** What the run ran on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  /** The machine's idle CPU share over the whole run, the bench's own load included; null when unknown. */
  runIdlePct: number | null;
}

export interface BenchReport {
  date: Date;
  /** The command line, e.g. `npm run bench`. */
  command: string;
  /** The commit measured, e.g. `589d6f4` or `589d6f4 + uncommitted changes`; null when unknown. */
  code: string | null;
  durationS: number;
  machine: MachineInfo;
  /** Which scenarios were meant to run in which shape (a scenario missing from the rows is reported). */
  plan: { scenario: string; shapes: Shape[] }[];
  results: ShapeRows[];
  /** Set for a run of fewer scenarios or shapes than `npm run bench` runs: said at the top. */
  partial?: string;
}

const isRss = (r: Row) => /\bRSS\b/.test(r.metric);
const STORMS = ['registration-storm', 'check-in-storm'];

/** design.md's Targets table, row by row, and which bench rows measure each (scenarios in test/bench/scenarios). */
export const DESIGN_TARGETS: { name: string; target: string; scenarios: string[]; rows: (r: Row) => boolean }[] = [
  { name: 'registration storm: 5,000 registrations at 100 concurrent for 1,000 seats', target: 'exactly 1,000 confirmed; ≥ 50 % of the raw server’s registrations/s', scenarios: ['registration-storm'], rows: (r) => r.scenario === 'registration-storm' && !isRss(r) },
  { name: 'check-in storm: 10,000 scans at 64 concurrent', target: 'exactly 10,000 check-ins; ≥ 60 % of the raw server’s check-ins/s; p99 ≤ 2x the raw server’s p99', scenarios: ['check-in-storm'], rows: (r) => r.scenario === 'check-in-storm' && !isRss(r) },
  { name: 'invitations: 10,000 mails through the queue to a local SMTP server', target: 'each delivered once; ≥ 60 % of nodemailer sending the same mails directly', scenarios: ['invitations'], rows: (r) => r.scenario === 'invitations' },
  { name: 'per-unit attendance report, 100,000 registrations in 500 units', target: '≥ 70 % of the same SQL run directly; p50 ≤ 150 ms', scenarios: ['event-report'], rows: (r) => r.scenario === 'event-report' },
  { name: 'leadership dashboard over 1,000,000 check-ins', target: '≥ 70 % of the same SQL run directly; p50 ≤ 1 s', scenarios: ['dashboard-report'], rows: (r) => r.scenario === 'dashboard-report' },
  { name: 'article generation', target: 'p50 ≤ 20 ms in process; ≤ 1 s from request to ready', scenarios: ['article-generation'], rows: (r) => r.scenario === 'article-generation' },
  { name: 'API memory under the storms', target: 'RSS ≤ 250 MB', scenarios: STORMS, rows: (r) => STORMS.includes(r.scenario) && isRss(r) },
];

const SHAPE_WORDS: Record<Shape, string> = {
  split: 'as deployed (`APP_ROLE=api` under load + an `APP_ROLE=worker`)',
  all: 'as `npm start` runs it (one `APP_ROLE=all` process)',
};

const num = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const figure = (n: number | null, unit: string) => (n === null ? '–' : `${num(n)} ${unit}`);
const percent = (ratio: number | null) => (ratio === null ? '–' : `${num(ratio * 100, 0)} %`);
const met = (r: Row) => (r.pass === null ? '–' : r.pass ? 'met' : '**missed**');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], lines: string[][]) =>
  [head, head.map(() => '---'), ...lines].map((l) => `| ${l.map(cell).join(' | ')} |`).join('\n');

/** The idle share a row's `machine` note gives (`idle 93 %, …`), or null. */
function idleOf(r: Row): number | null {
  const m = /idle (\d+(?:\.\d+)?) %/.exec(r.machine ?? '');
  return m ? Number(m[1]) : null;
}

/** One sentence per target missed, and per design.md row or planned scenario with no figure: made from the rows. */
export function missedNotes(report: Pick<BenchReport, 'results' | 'plan'>): string[] {
  const notes: string[] = [];
  for (const { role, rows } of report.results) {
    for (const r of rows.filter((x) => x.pass === false)) {
      const against = r.limit === null ? '' : ` against a limit of ${figure(r.limit, r.unit)} (ratio ${percent(r.ratio)})`;
      const busy = r.machine?.startsWith('BUSY')
        ? ` The machine was busy just before this measurement (${r.machine.replace(/^BUSY /, '')}): other work shared the CPU, so the figure is lower and noisier than on a quiet machine.`
        : r.machine
          ? ` The machine was quiet just before it (${r.machine}), so this is not noise from other work.`
          : '';
      notes.push(`**${r.scenario}**, ${r.metric} (${role}): ${figure(r.value, r.unit)}${against}; target ${r.target} — missed.${busy}`);
    }
  }
  for (const { scenario, shapes } of report.plan) {
    for (const role of shapes) {
      const shape = report.results.find((s) => s.role === role);
      if (!shape?.rows.some((r) => r.scenario === scenario)) notes.push(`**${scenario}** (${role}): no figure in this run, so its targets are not shown as met.`);
    }
  }
  for (const t of DESIGN_TARGETS) {
    if (!report.results.some(({ rows }) => rows.some(t.rows))) notes.push(`design.md's “${t.name}” has no figure in this run (scenarios ${t.scenarios.join(', ')}).`);
  }
  return notes;
}

/** BENCHMARKS.md for one run. */
export function renderBenchmarks(report: BenchReport): string {
  const { machine } = report;
  const allRows = report.results.flatMap(({ role, rows }) => rows.map((r) => ({ role, r })));
  const idles = allRows.map(({ r }) => idleOf(r)).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const busy = allRows.filter(({ r }) => r.machine?.startsWith('BUSY')).length;
  const targeted = allRows.filter(({ r }) => r.pass !== null);
  const missed = targeted.filter(({ r }) => r.pass === false);
  const out: string[] = [];

  out.push('# Benchmarks', '');
  out.push(
    `Written by \`${report.command}\` on ${report.date.toISOString().slice(0, 16).replace('T', ' ')} UTC` +
      `${report.code ? ` from \`${report.code}\`` : ''}, in ${num(report.durationS / 60, 1)} min. Do not edit: the next full run rewrites this file ` +
      '(a run of some scenarios only prints its figures and leaves it alone).',
  );
  if (report.partial) out.push('', `**Partial run** (${report.partial}): not every scenario of design.md is here.`);
  out.push(
    '',
    'Every target is a ratio to a limit measured in the same run, with the same load generator and connections ' +
      '(design.md, "Targets"): for the storms a raw `node:http` + `pg` server running the product’s own statements ' +
      '(`test/bench/limit-server.ts`); for the reports the same SQL run directly with `pg`; for invitations nodemailer ' +
      'sending the same mails straight to the same SMTP server; fixed budgets (ms, MB) where design.md gives one. ' +
      'Compare the ratios between machines, not the absolute figures.',
    '',
    `**${targeted.length - missed.length} of ${targeted.length} targets met**${missed.length ? `; ${missed.length} missed (notes below)` : ''}.`,
  );

  out.push('', '## Machine', '');
  out.push(
    table(
      ['', ''],
      [
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['memory', `${num(machine.memoryGiB, 1)} GiB`],
        ['Node.js', machine.node],
        ['PostgreSQL', machine.postgres],
        ['Redis', machine.redis],
        [
          'idle CPU before each measurement',
          idles.length ? `${num(idles[0], 0)} % at the least, ${num(idles[Math.floor(idles.length / 2)], 0)} % median; ${busy ? `${busy} rows measured on a BUSY machine (idle < 75 %)` : 'never busy (idle ≥ 75 %)'}` : '–',
        ],
        ['idle CPU over the whole run', machine.runIdlePct === null ? '–' : `${num(machine.runIdlePct, 0)} % (the bench’s own load included)`],
      ],
    ),
  );

  out.push('', '## Against design.md’s targets', '');
  out.push('Shapes: **split** = ' + SHAPE_WORDS.split + '; **all** = ' + SHAPE_WORDS.all + '. Both at the default configuration (`LOG_LEVEL=info`, `NODE_ENV=production`), except `RATE_LIMIT_REGISTRATION=0`: the registration storm\'s 5,000 self-registrations all come from one address, which the per-address limit (60 per 10 minutes) would otherwise refuse.', '');
  const summary: string[][] = [];
  for (const t of DESIGN_TARGETS) {
    const measured = allRows.filter(({ r }) => t.rows(r) && r.pass !== null);
    if (!measured.length) summary.push([t.name, t.target, '–', 'not measured', '–', '–', '–', '**not measured**', '–']);
    for (const { role, r } of measured) summary.push([t.name, r.metric, role, figure(r.value, r.unit), figure(r.limit, r.unit), percent(r.ratio), r.target, met(r), r.machine ?? '–']);
  }
  out.push(table(['design.md scenario', 'figure', 'shape', 'value', 'limit', 'ratio', 'target', 'result', 'machine before'], summary));

  out.push('', '## Notes on targets missed', '');
  const notes = missedNotes(report);
  out.push(notes.length ? notes.map((n) => `- ${n}`).join('\n') : 'None: every target was met in this run.');

  for (const { role, rows } of report.results) {
    out.push('', `## Every figure, ${role}: ${SHAPE_WORDS[role]}`, '');
    out.push(
      table(
        ['scenario', 'metric', 'value', 'limit (raw, bare or budget)', 'ratio', 'target', 'result', 'machine before'],
        rows.map((r) => [r.scenario, r.metric, figure(r.value, r.unit), figure(r.limit, r.unit), percent(r.ratio), r.target || '–', met(r), r.machine ?? '–']),
      ),
    );
  }
  out.push(
    '',
    '“machine before”: idle CPU and 1-minute load sampled just before the measurement, while the app was idle; BUSY below 75 % idle.',
    'Rows without a target are for reference (p50s, CPU per request, the bare `/health/live` of the same process).',
    '',
  );
  return out.join('\n');
}

/** What `npm run bench` runs without arguments. */
export interface RunOptions {
  names: string[];
  roles: Shape[];
  duration: number;
  connections: number;
}

export const DEFAULT_RUN = { duration: 10, connections: 64 };

/**
 * Whether this run may write BENCHMARKS.md: only a full run (every scenario, both shapes, the default
 * duration and connections) does, so a run of one scenario while developing never replaces the full
 * report with a partial one. `why` says what makes a run partial.
 */
export function fullRun(options: RunOptions, allScenarios: string[]): { full: boolean; why: string } {
  const reasons: string[] = [];
  const missing = allScenarios.filter((n) => options.names.length && !options.names.includes(n));
  if (missing.length) reasons.push(`scenarios ${options.names.join(', ')} only`);
  if (options.roles.length < 2) reasons.push(`--role=${options.roles[0]} only`);
  if (options.duration !== DEFAULT_RUN.duration) reasons.push(`--duration=${options.duration}`);
  if (options.connections !== DEFAULT_RUN.connections) reasons.push(`--connections=${options.connections}`);
  return { full: reasons.length === 0, why: reasons.join('; ') };
}
