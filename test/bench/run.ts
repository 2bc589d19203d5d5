import { BenchApp, createContext, formatRows, Row, Scenario } from './harness';
import { SCENARIOS } from './scenarios';

// `npm run bench [-- <name>...] [--duration=10] [--connections=64] [--role=split|all] [--json]`: builds, boots the app on a
// fresh database, runs the scenarios, prints each figure next to its limit, drops the database. Without --role
// it runs both process shapes (design.md): every scenario as deployed (an APP_ROLE=api process + an
// APP_ROLE=worker process), then the storms again in one APP_ROLE=all process, as `npm start` runs it. The app
// runs at the default configuration (LOG_LEVEL=info, NODE_ENV=production).
// Exit code 1 when a target is missed.

type Shape = 'split' | 'all';

function parseArgs(argv: string[]) {
  const options = { names: [] as string[], duration: 10, connections: 64, json: false, roles: ['split', 'all'] as Shape[] };
  for (const arg of argv) {
    const [key, value] = arg.split('=');
    if (key === '--duration') options.duration = Number(value);
    else if (key === '--connections') options.connections = Number(value);
    else if (key === '--json') options.json = true;
    else if (key === '--role' && (value === 'split' || value === 'all')) options.roles = [value];
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (!(options.duration > 0) || !(options.connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  return options;
}

const SHAPE_NOTE: Record<Shape, string> = {
  split: 'as deployed: APP_ROLE=api under load (the RSS rows are its own) + APP_ROLE=worker delivering the mails',
  all: 'as `npm start` runs it: one APP_ROLE=all process (api and worker together; the RSS rows are its own)',
};

async function runShape(role: Shape, scenarios: Scenario[], options: ReturnType<typeof parseArgs>): Promise<Row[]> {
  const app = new BenchApp(role);
  const stopOnSignal = () => void app.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const rows: Row[] = [];
  try {
    await app.start();
    const ctx = createContext(app, await app.login(), options);
    const processes = role === 'split' ? `api pid ${app.pid} + worker pid ${app.workerPid}` : `app pid ${app.pid}`;
    console.error(`Bench --role=${role} (${SHAPE_NOTE[role]}): ${processes} at ${app.baseUrl}, LOG_LEVEL=info, ${options.connections} connections, ${options.duration} s per measurement`);
    for (const scenario of scenarios) {
      console.error(`- ${scenario.name}: ${scenario.description}`);
      rows.push(...(await scenario.run(ctx)));
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await app.stop();
  }
  return rows;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const unknown = options.names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`Unknown scenario ${unknown.join(', ')}; available: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const chosen = options.names.length ? SCENARIOS.filter((s) => options.names.includes(s.name)) : SCENARIOS;
  const results: { role: Shape; rows: Row[] }[] = [];
  for (const role of options.roles) {
    // Both shapes by default: everything as deployed, the storms (bothShapes) in `all` too.
    const scenarios = options.roles.length > 1 && role === 'all' ? chosen.filter((s) => s.bothShapes) : chosen;
    if (scenarios.length) results.push({ role, rows: await runShape(role, scenarios, options) });
  }
  if (options.json) console.log(JSON.stringify(results.flatMap(({ role, rows }) => rows.map((r) => ({ role, ...r }))), null, 2));
  else {
    for (const { role, rows } of results) {
      console.log(`\n--role=${role}: ${SHAPE_NOTE[role]}; LOG_LEVEL=info (the default)`);
      console.log(formatRows(rows));
    }
    console.log(
      `\nratio = value / limit; "raw" is test/bench/limit-server.ts (node:http + pg, the product's own statements, same pool size, ` +
        `same generator and connections, same run). "machine before": idle CPU and load average sampled just before the measurements ` +
        `(BUSY when other work used the CPU: figures are then lower and noisier, compare the ratios).`,
    );
  }
  return results.some(({ rows }) => rows.some((r) => r.pass === false)) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
