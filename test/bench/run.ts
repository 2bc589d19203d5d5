import { BenchApp, createContext, formatRows, Row } from './harness';
import { SCENARIOS } from './scenarios';

// `npm run bench [-- <name>...] [--duration=10] [--connections=64] [--role=split|all] [--json]`: builds, boots the app on a
// fresh database, runs the scenarios, prints each figure next to its limit, drops the database.
// Exit code 1 when a target is missed.

function parseArgs(argv: string[]) {
  const options = { names: [] as string[], duration: 10, connections: 64, json: false, role: 'split' as 'split' | 'all' };
  for (const arg of argv) {
    const [key, value] = arg.split('=');
    if (key === '--duration') options.duration = Number(value);
    else if (key === '--connections') options.connections = Number(value);
    else if (key === '--json') options.json = true;
    else if (key === '--role' && (value === 'split' || value === 'all')) options.role = value;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (!(options.duration > 0) || !(options.connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  return options;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const unknown = options.names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`Unknown scenario ${unknown.join(', ')}; available: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const chosen = options.names.length ? SCENARIOS.filter((s) => options.names.includes(s.name)) : SCENARIOS;

  const app = new BenchApp(options.role);
  const stopOnSignal = () => void app.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const rows: Row[] = [];
  try {
    await app.start();
    const ctx = createContext(app, await app.login(), options);
    const processes =
      options.role === 'split'
        ? `api pid ${app.pid} (APP_ROLE=api, under load; the RSS rows are its own) + worker pid ${app.workerPid} (APP_ROLE=worker, delivers the mails)`
        : `app pid ${app.pid} (APP_ROLE=all: api and worker in one process)`;
    console.error(`Bench: ${processes} at ${app.baseUrl}, ${options.connections} connections, ${options.duration} s per measurement`);
    for (const scenario of chosen) {
      console.error(`- ${scenario.name}: ${scenario.description}`);
      rows.push(...(await scenario.run(ctx)));
    }
  } finally {
    await app.stop();
  }
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(formatRows(rows));
    console.log(
      options.role === 'split'
        ? 'RSS rows: the APP_ROLE=api process under load; a separate APP_ROLE=worker process delivered the mails (--role=all: one process).'
        : 'RSS rows: the single APP_ROLE=all process (api and worker together).',
    );
  }
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
