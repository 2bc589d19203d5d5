import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { logConnectionError } from './connection-errors';

/** Thrown when PostgreSQL cannot be reached; main.ts prints it as one clear message. */
export class DatabaseUnreachableError extends Error {}

/** Creates the database named in the URL when it does not exist yet (design.md: "created if missing"). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  // A connection lost between statements is an 'error' event; unheard, it would end the process.
  // The statement in flight fails with it anyway, and start-up reports that.
  client.on('error', (err) => logConnectionError(err, 'database setup'));
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseUnreachableError(
      `PostgreSQL is not reachable at ${redact(databaseUrl)} (${(err as Error).message}). ` +
        'Start it (on this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; ' +
        'with Docker: docker compose up -d postgres) or set DATABASE_URL.',
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // Another replica created it between our check and our CREATE: 42P04 when it had finished,
      // 23505 (on pg_database's unique index) when both CREATEs ran at the same moment.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
    return true;
  } finally {
    await client.end();
  }
}

// Any fixed 64-bit number shared by every replica of this app.
const MIGRATION_LOCK = 7_414_021_611;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that two
 * replicas starting at once never both migrate: the second waits, then finds
 * nothing pending. The lock's connection is one of the pool's, whose clients
 * all carry an error listener (listenForClientErrors): losing it fails the
 * statement in flight, never the process.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
