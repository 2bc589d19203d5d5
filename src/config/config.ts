import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The one place that reads the environment. Every variable of design.md's
 * configuration table is declared here, validated once at start, and handed
 * to the rest of the app as a typed, frozen AppConfig.
 */
const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(':', ''));
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => p + '://').join(' or ')}`);

/** One limit: at most `points` per `seconds` from one client address; null when switched off. */
export interface LimitSetting {
  points: number;
  seconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * A limit as configured, `<count>/<window>` with the window in s, m or h (`60/10m`: 60 per 10
 * minutes), or `0` to switch it off.
 */
export const limitSetting = (fallback: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .trim()
      .default(fallback)
      .transform((v, ctx): LimitSetting | null => {
      if (v === '0') return null;
      const m = /^(\d{1,6})\/(\d{1,5})(s|m|h)$/.exec(v);
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
        ctx.addIssue({ code: 'custom', message: 'must be <count>/<window> with the window in s, m or h (e.g. 60/10m), or 0 for no limit' });
        return z.NEVER;
      }
      return { points: Number(m[1]), seconds: Number(m[2]) * UNIT_SECONDS[m[3]] };
    }),
  );

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** HTTP port */
    PORT: z.coerce.number('must be a port number from 0 to 65535').int('must be a port number from 0 to 65535').min(0, 'must be a port number from 0 to 65535').max(65535, 'must be a port number from 0 to 65535').default(3000),
    /** Public base URL for links in mails and QR codes; default http://localhost:<PORT>, so links still work when only PORT changes */
    APP_URL: z.preprocess((v) => (v === '' ? undefined : v), url(['http', 'https']).optional()),
    /** PostgreSQL; the database is created if missing */
    DATABASE_URL: url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/trainingdesk'),
    /** BullMQ connection */
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    /** BullMQ key prefix, so several instances or test runs share one Redis */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or - only')
      .default('td'),
    /** smtp://user:pass@host:587; unset keeps mail in the local outbox */
    SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), url(['smtp', 'smtps']).optional()),
    /** Sender of every mail */
    MAIL_FROM: z.string().min(3).default('TrainingDesk <no-reply@localhost>'),
    /** Mails per second over all workers (BullMQ's limiter); 0 = no limit */
    SMTP_RATE_PER_SECOND: z.coerce.number('must be a number').int('must be a whole number').min(0, 'must be 0 or more').default(0),
    /** DKIM signing (optional): the signing domain, the selector and the private key (PEM, \n for newlines) */
    DKIM_DOMAIN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
    DKIM_SELECTOR: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
    DKIM_PRIVATE_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }).optional()),
    /** The first admin, created at start when there are no users */
    ADMIN_EMAIL: z.preprocess((v) => (v === '' ? undefined : v), z.email('must be an e-mail address').optional()),
    ADMIN_PASSWORD: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(8, 'must be at least 8 characters').optional(),
    ),
    /** Signs tokens; random per start in development, required in production */
    JWT_SECRET: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(16, 'must be at least 16 characters').optional(),
    ),
    /** all, api or worker */
    APP_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    /** Photos and generated files */
    STORAGE_DIR: z.string().min(1).default('./data'),
    /** Set to false where `npm run migration:run` is the deploy step */
    MIGRATIONS_RUN: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Public self-registrations (the page's form and the API without a token) per client address; 0 = no limit */
    RATE_LIMIT_REGISTRATION: limitSetting('60/10m'),
    /** Requests with a token that identifies nothing (logins refused, unknown personal or reset links) per client address */
    RATE_LIMIT_TOKEN_MISSES: limitSetting('30/15m'),
    /** "Lost your link?" requests per client address (each registration gets at most one mail per window anyway) */
    RATE_LIMIT_LINK_RESEND: limitSetting('10/15m'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    const dkim = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY];
    if (dkim.some(Boolean) && !dkim.every(Boolean)) {
      const missing = (['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const).find((k) => !env[k])!;
      ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set together with the other DKIM_* variables' });
    }
    if (!!env.ADMIN_EMAIL !== !!env.ADMIN_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'must be set together with ' + (env.ADMIN_EMAIL ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'),
      });
    }
  });

/** Names of the variables this app reads (used by the docker-compose check). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof z.input<typeof envSchema>)[];

export class ConfigError extends Error {}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  appUrl: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  smtpUrl?: string;
  mailFrom: string;
  /** Mails per second over all workers; 0 = unlimited. */
  smtpRatePerSecond: number;
  /** DKIM signing of outgoing mail, when configured. */
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  adminEmail?: string;
  adminPassword?: string;
  jwtSecret: string;
  /**
   * JWT_SECRET when it is configured (never the random development fallback): the personal-link
   * key derives from it. Null: the key kept in the database is used, so links survive restarts.
   */
  linkSecret: string | null;
  appRole: 'all' | 'api' | 'worker';
  storageDir: string;
  migrationsRun: boolean;
  logLevel: string;
  /** Limits per client address, kept in Redis (src/rate-limit); null = off. */
  rateLimits: { registration: LimitSetting | null; tokenMisses: LimitSetting | null; linkResend: LimitSetting | null };
  /** Whether this process serves HTTP / consumes jobs. */
  runsApi: boolean;
  runsWorker: boolean;
}

/** Injection token for the typed config. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** A URL's password (smtp://user:pass@host) must not reach the console either. */
function hidePassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:***@');
}

/** Validates an environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    const got = value === undefined ? 'it is missing' : `got "${name.endsWith('PASSWORD') || name.endsWith('SECRET') ? '***' : hidePassword(value)}"`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (${got})`);
  }
  const e = parsed.data;
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smtpRatePerSecond: e.SMTP_RATE_PER_SECOND,
    dkim: e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY ? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') } : null,
    adminEmail: e.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    // A random secret per start keeps development safe by default; tokens die with the process.
    jwtSecret: e.JWT_SECRET ?? randomBytes(32).toString('hex'),
    linkSecret: e.JWT_SECRET ?? null,
    appRole: e.APP_ROLE,
    storageDir: e.STORAGE_DIR,
    migrationsRun: e.MIGRATIONS_RUN,
    logLevel: e.LOG_LEVEL,
    rateLimits: Object.freeze({ registration: e.RATE_LIMIT_REGISTRATION, tokenMisses: e.RATE_LIMIT_TOKEN_MISSES, linkResend: e.RATE_LIMIT_LINK_RESEND }),
    runsApi: e.APP_ROLE !== 'worker',
    runsWorker: e.APP_ROLE !== 'api',
  });
}
