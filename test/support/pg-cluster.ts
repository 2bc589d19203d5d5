import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { sparePort } from './redis-server';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the test's own (initdb into a temp dir, trust
 * auth, a spare port), so a test can stop the database under the app and
 * start it again without touching the shared one. PostgreSQL refuses to run
 * as root: as root, the binaries run as the `postgres` OS user.
 */
export class TestPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async create(): Promise<TestPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'td-pg-'));
    const uid = process.getuid?.() === 0 ? Number((await run('id', ['-u', 'postgres'])).stdout.trim()) : undefined;
    if (uid !== undefined) chownSync(dir, uid, Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
    const pg = new TestPostgres(await sparePort(), dir);
    await pg.as(join(BIN, 'initdb'), ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await pg.start();
    return pg;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c full_page_writes=off -c max_connections=100`;
    await this.as(join(BIN, 'pg_ctl'), ['-D', this.data, '-l', join(this.dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2000 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('SELECT 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the test's PostgreSQL did not accept connections: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await c.end().catch(() => undefined);
      }
    }
  }

  /** Stops it as an operator's restart does (fast: backends terminated with 57P01), waiting until it is down. */
  async stop(): Promise<void> {
    await this.as(join(BIN, 'pg_ctl'), ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  /** Stops it (if running) and removes its files. */
  async destroy(): Promise<void> {
    await this.as(join(BIN, 'pg_ctl'), ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async as(bin: string, args: string[]): Promise<void> {
    const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    await run(cmd, argv, { cwd: this.dir, timeout: 90_000 });
  }
}
