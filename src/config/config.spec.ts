import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

/** The error loadConfig throws for `env`, or fails the test when it accepts it. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('with an empty environment', () => {
    const config = loadConfig({});

    it('uses the defaults of the configuration table in design.md', () => {
      expect(config).toMatchObject({
        nodeEnv: 'development',
        port: 3000,
        appUrl: 'http://localhost:3000',
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/trainingdesk',
        redisUrl: 'redis://127.0.0.1:6379',
        queuePrefix: 'td',
        mailFrom: 'TrainingDesk <no-reply@localhost>',
        appRole: 'all',
        storageDir: './data',
        migrationsRun: true,
        logLevel: 'info',
        runsApi: true,
        runsWorker: true,
      });
    });

    it('leaves SMTP and the first admin unset, so mail goes to the local outbox', () => {
      expect(config.smtpUrl).toBeUndefined();
      expect(config.adminEmail).toBeUndefined();
      expect(config.adminPassword).toBeUndefined();
    });

    it('makes a random JWT secret per start in development', () => {
      expect(config.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
      expect(loadConfig({}).jwtSecret).not.toBe(config.jwtSecret);
    });

    it('is frozen', () => {
      expect(Object.isFrozen(config)).toBe(true);
    });
  });

  it('defaults APP_URL to localhost on the chosen PORT, so links in mails follow a changed port', () => {
    expect(loadConfig({ PORT: '3555' }).appUrl).toBe('http://localhost:3555');
    expect(loadConfig({ PORT: '3555', APP_URL: 'https://td.example.org' }).appUrl).toBe('https://td.example.org');
  });

  it('treats empty optional values as unset (docker-compose passes "" for ${VAR:-})', () => {
    const config = loadConfig({ SMTP_URL: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', JWT_SECRET: '' });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.adminEmail).toBeUndefined();
    expect(config.jwtSecret).toHaveLength(64);
  });

  it('reads every variable it declares', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      APP_URL: 'https://td.example.org/',
      DATABASE_URL: 'postgresql://td:pw@db:5432/td',
      REDIS_URL: 'rediss://cache:6380/2',
      QUEUE_PREFIX: 'td-prod_1',
      SMTP_URL: 'smtps://user:pass@mail.example.org:465',
      MAIL_FROM: 'Ban Tổ chức <bantochuc@example.org>',
      ADMIN_EMAIL: 'Admin@Example.org',
      ADMIN_PASSWORD: 'a-long-password',
      JWT_SECRET: 'x'.repeat(32),
      APP_ROLE: 'worker',
      STORAGE_DIR: '/var/lib/td',
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      appUrl: 'https://td.example.org',
      databaseUrl: 'postgresql://td:pw@db:5432/td',
      redisUrl: 'rediss://cache:6380/2',
      queuePrefix: 'td-prod_1',
      smtpUrl: 'smtps://user:pass@mail.example.org:465',
      mailFrom: 'Ban Tổ chức <bantochuc@example.org>',
      adminEmail: 'admin@example.org',
      adminPassword: 'a-long-password',
      jwtSecret: 'x'.repeat(32),
      appRole: 'worker',
      storageDir: '/var/lib/td',
      migrationsRun: false,
      logLevel: 'warn',
      runsApi: false,
      runsWorker: true,
    });
  });

  it.each([
    ['api', true, false],
    ['worker', false, true],
    ['all', true, true],
  ])('APP_ROLE=%s serves HTTP: %s, consumes jobs: %s', (role, runsApi, runsWorker) => {
    expect(loadConfig({ APP_ROLE: role })).toMatchObject({ runsApi, runsWorker });
  });

  it.each([
    ['1', true],
    ['0', false],
    ['true', true],
  ])('MIGRATIONS_RUN=%s means %s', (value, expected) => {
    expect(loadConfig({ MIGRATIONS_RUN: value }).migrationsRun).toBe(expected);
  });

  it('lists every variable of the configuration table', () => {
    expect([...CONFIG_VARIABLES].sort()).toEqual(
      [
        'NODE_ENV', 'PORT', 'APP_URL', 'DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX', 'SMTP_URL', 'MAIL_FROM',
        'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'JWT_SECRET', 'APP_ROLE', 'STORAGE_DIR', 'MIGRATIONS_RUN', 'LOG_LEVEL',
        'SMTP_RATE_PER_SECOND', 'DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY',
        'RATE_LIMIT_REGISTRATION', 'RATE_LIMIT_TOKEN_MISSES', 'RATE_LIMIT_LINK_RESEND',
      ].sort(),
    );
  });

  it('reads the rate limits as <count>/<window>, 0 switching one off', () => {
    expect(loadConfig({}).rateLimits).toEqual({ registration: { points: 60, seconds: 600 }, tokenMisses: { points: 30, seconds: 900 }, linkResend: { points: 10, seconds: 900 } });
    expect(loadConfig({ RATE_LIMIT_REGISTRATION: '5/30s', RATE_LIMIT_TOKEN_MISSES: '0', RATE_LIMIT_LINK_RESEND: '100/1h' }).rateLimits).toEqual({ registration: { points: 5, seconds: 30 }, tokenMisses: null, linkResend: { points: 100, seconds: 3600 } });
    expect(configError({ RATE_LIMIT_REGISTRATION: '60 per minute' }).message).toBe(
      'Invalid configuration: RATE_LIMIT_REGISTRATION must be <count>/<window> with the window in s, m or h (e.g. 60/10m), or 0 for no limit (got "60 per minute")',
    );
  });

  describe('bad or missing values stop the start with one line naming the variable', () => {
    it.each<[string, Record<string, string>, string]>([
      ['PORT not a number', { PORT: 'abc' }, 'PORT'],
      ['PORT out of range', { PORT: '70000' }, 'PORT'],
      ['production without JWT_SECRET', { NODE_ENV: 'production' }, 'JWT_SECRET'],
      ['JWT_SECRET too short', { JWT_SECRET: 'short' }, 'JWT_SECRET'],
      ['SMTP_URL with another protocol', { SMTP_URL: 'http://x' }, 'SMTP_URL'],
      ['SMTP_RATE_PER_SECOND negative', { SMTP_RATE_PER_SECOND: '-1' }, 'SMTP_RATE_PER_SECOND'],
      ['DKIM_DOMAIN without its key', { DKIM_DOMAIN: 'td.example', DKIM_SELECTOR: 's1' }, 'DKIM_PRIVATE_KEY'],
      ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'admin@example.org' }, 'ADMIN_PASSWORD'],
      ['ADMIN_PASSWORD without ADMIN_EMAIL', { ADMIN_PASSWORD: 'long-enough' }, 'ADMIN_EMAIL'],
      ['ADMIN_EMAIL not an e-mail', { ADMIN_EMAIL: 'admin', ADMIN_PASSWORD: 'long-enough' }, 'ADMIN_EMAIL'],
      ['DATABASE_URL not postgres', { DATABASE_URL: 'mysql://localhost/td' }, 'DATABASE_URL'],
      ['REDIS_URL not a URL', { REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
      ['APP_URL without scheme', { APP_URL: 'localhost:3000' }, 'APP_URL'],
      ['unknown APP_ROLE', { APP_ROLE: 'web' }, 'APP_ROLE'],
      ['QUEUE_PREFIX with a colon', { QUEUE_PREFIX: 'td:1' }, 'QUEUE_PREFIX'],
      ['unknown NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV'],
      ['MIGRATIONS_RUN not a boolean', { MIGRATIONS_RUN: 'yes' }, 'MIGRATIONS_RUN'],
      ['unknown LOG_LEVEL', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    ])('%s', (_case, env, variable) => {
      const { message } = configError(env);
      expect(message).not.toContain('\n');
      expect(message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    });

    it('says what is expected and quotes the bad value so the user sees what was read', () => {
      expect(configError({ PORT: 'abc' }).message).toBe('Invalid configuration: PORT must be a port number from 0 to 65535 (got "abc")');
    });

    it('says a required value is missing', () => {
      expect(configError({ NODE_ENV: 'production' }).message).toContain('it is missing');
    });

    it('never echoes a secret or password', () => {
      expect(configError({ JWT_SECRET: 'tiny-secret' }).message).not.toContain('tiny-secret');
      expect(configError({ ADMIN_EMAIL: 'a@b.org', ADMIN_PASSWORD: 'pw1' }).message).not.toContain('pw1');
      // A URL's password is a secret too, whichever variable carries it.
      const smtp = configError({ SMTP_URL: 'http://mailer:hunter2-pass@x' }).message;
      expect(smtp).not.toContain('hunter2-pass');
      expect(smtp).toContain('mailer');
    });
  });
});
