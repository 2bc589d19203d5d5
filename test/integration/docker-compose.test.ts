import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/config';

// No Docker engine runs where the tests run, so the compose file is checked statically against the app's
// own config schema: a variable the app does not know, or a value it would refuse, fails here first.
const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** What `docker compose` would pass with nothing set in the shell: ${VAR:-default} => default, ${VAR:?..} => a stand-in. */
function interpolate(value: unknown, required: Record<string, string>): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (op?.endsWith('-')) return arg ?? '';
    if (op?.endsWith('?')) {
      if (!(name in required)) throw new Error(`${name} is required by docker-compose.yml but the test has no value for it`);
      return required[name];
    }
    throw new Error(`\${${name}} has no default in docker-compose.yml`);
  });
}

const standIns = { JWT_SECRET: 'a-compose-test-secret-of-32-chars' };
const appServices = ['api', 'worker'] as const;
const environmentOf = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [k, interpolate(v, standIns)]));

describe('docker-compose.yml', () => {
  it('runs PostgreSQL 15, Redis 7, Mailpit and the app as api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'mailpit', 'postgres', 'redis', 'worker']);
    expect(compose.services.postgres.image).toBe('postgres:15');
    expect(compose.services.redis.image).toBe('redis:7');
    expect(compose.services.mailpit.image).toMatch(/^axllent\/mailpit/);
  });

  it('keeps Redis keys the way BullMQ requires: append-only, never evicted', () => {
    const command = [].concat(compose.services.redis.command).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it.each(appServices)('%s sets only variables the app reads', (service) => {
    const unknown = Object.keys(environmentOf(service)).filter((name) => !(CONFIG_VARIABLES as string[]).includes(name));
    expect(unknown).toEqual([]);
  });

  it.each(appServices)('%s passes a configuration the app accepts', (service) => {
    expect(() => loadConfig(environmentOf(service))).not.toThrow();
  });

  it('wires the app to the compose services, not to localhost', () => {
    const config = loadConfig(environmentOf('api'));
    expect(new URL(config.databaseUrl).hostname).toBe('postgres');
    expect(new URL(config.redisUrl).hostname).toBe('redis');
    expect(config.smtpUrl).toBe('smtp://mailpit:1025');
    expect(config.nodeEnv).toBe('production');
  });

  it('api serves HTTP and migrates; worker consumes jobs, does not migrate, and waits for a healthy api', () => {
    const api = loadConfig(environmentOf('api'));
    const worker = loadConfig(environmentOf('worker'));
    expect(api).toMatchObject({ appRole: 'api', runsApi: true, runsWorker: false, migrationsRun: true });
    expect(worker).toMatchObject({ appRole: 'worker', runsApi: false, runsWorker: true, migrationsRun: false });
    expect(compose.services.worker.depends_on.api.condition).toBe('service_healthy');
  });

  it('publishes the api port it listens on and shares one storage volume', () => {
    const api = loadConfig(environmentOf('api'));
    expect(compose.services.api.ports).toContain(`${api.port}:${api.port}`);
    for (const service of appServices) {
      const storageDir = loadConfig(environmentOf(service)).storageDir;
      expect(compose.services[service].volumes).toContain(`storage:${storageDir}`);
    }
  });

  it('starts the app only once its dependencies are healthy, and each dependency has a healthcheck', () => {
    for (const dependency of ['postgres', 'redis']) {
      expect(compose.services.api.depends_on[dependency].condition).toBe('service_healthy');
      expect(compose.services.worker.depends_on[dependency].condition).toBe('service_healthy');
    }
    for (const service of ['postgres', 'redis', 'mailpit', 'api']) {
      expect(compose.services[service].healthcheck.test.length).toBeGreaterThan(0);
    }
  });

  it('builds both app services from the Dockerfile whose CMD is what `npm run start:prod` runs', () => {
    expect(compose.services.api.build).toBe('.');
    expect(compose.services.worker.build).toBe('.');
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const cmd = dockerfile.match(/^CMD (\[.*\])\s*$/m);
    expect(cmd).not.toBeNull();
    expect((JSON.parse(cmd![1]) as string[]).join(' ')).toBe(packageJson.scripts['start:prod']);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
  });
});
