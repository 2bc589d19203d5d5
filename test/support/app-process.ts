import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { sparePort } from './redis-server';

const root = join(__dirname, '..', '..');

/**
 * The app as a real process (`src/main.ts`, compiled on load by swc, no build
 * step), for tests that must see it survive what would kill it: in-process
 * tests share jest's process and its handlers.
 */
export class AppProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.out = (this.out + d.toString()).slice(-200_000)));
    child.stderr!.on('data', (d: Buffer) => (this.err = (this.err + d.toString()).slice(-200_000)));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts main.ts with `env` (plus PATH) and waits until it serves /health/live (api roles) or logs that it started (worker). */
  static async start(env: Record<string, string>, timeoutMs = 120_000): Promise<AppProcess> {
    const port = env.PORT ?? String(await sparePort());
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: root,
      // The per-address rate limits are off (every test client is 127.0.0.1) unless `env` turns them on.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', RATE_LIMIT_REGISTRATION: '0', RATE_LIMIT_TOKEN_MISSES: '0', ...(process.env.FAULT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.FAULT_NODE_OPTIONS } : {}), ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new AppProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + timeoutMs;
    const worker = env.APP_ROLE === 'worker';
    for (;;) {
      if (!p.alive) throw new Error(`the app exited with ${child.exitCode} while starting\n${p.output()}`);
      if (worker ? p.out.includes('worker started') : await p.answers('/health/live')) return p;
      if (Date.now() > deadline) {
        await p.stop();
        throw new Error(`the app did not start within ${timeoutMs} ms\n${p.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last of stdout and stderr, for failure messages. */
  output(chars = 4000): string {
    return `stdout: ${this.out.slice(-chars)}\nstderr: ${this.err.slice(-chars)}`;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  private async answers(path: string): Promise<boolean> {
    try {
      return (await fetch(this.url + path, { signal: AbortSignal.timeout(2000) })).status === 200;
    } catch {
      return false;
    }
  }

  /** SIGTERM (graceful shutdown), SIGKILL if it still runs after `ms`. */
  async stop(ms = 20_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }
}
