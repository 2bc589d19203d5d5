import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { BenchContext, machineNote, ROOT, Row, sampleMachine, Scenario } from '../harness';

const MAILS = Number(process.env.BENCH_INVITATIONS ?? 10_000);
const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = { email: 'bench-invitations@bench.local', password: 'bench-password-1' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** A local SMTP server that accepts everything and counts, per recipient (no parsing: the sink must not be the limit). */
async function smtpSink(): Promise<{ url: string; received: () => number; perAddress: Map<string, number>; reset: () => void; close: () => Promise<void> }> {
  let received = 0;
  const perAddress = new Map<string, number>();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        for (const r of session.envelope.rcptTo) perAddress.set(r.address, (perAddress.get(r.address) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    perAddress,
    reset: () => {
      received = 0;
      perAddress.clear();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * design.md: 10,000 mails through the queue to a local SMTP server, each delivered once, against
 * nodemailer sending the same mails directly to the same server in the same run (≥ 60 %). The app
 * runs here as its own APP_ROLE=all process with SMTP_URL set to the sink (the harness's app keeps
 * its mail local). Queue: from POST /events/:id/invitations (202) until the sink has every mail,
 * so selection, rendering (fan-out job), the outbox relay, BullMQ and the claimed sends all count.
 * Direct: the rendered mails of that batch read back, sent with one pooled nodemailer transport
 * of the same settings at the same concurrency (32), QR codes drawn the same way.
 */
export const invitations: Scenario = {
  name: 'invitations',
  description: `${MAILS} invitation mails through the queue to a local SMTP server vs nodemailer directly`,
  async run(ctx: BenchContext): Promise<Row[]> {
    const sink = await smtpSink();
    const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const databaseUrl = `${PG_BASE}/td_bench_inv_${suffix}`;
    const queuePrefix = `tdbench-inv-${suffix}`;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let output = '';
    const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), APP_URL: baseUrl, DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: queuePrefix, JWT_SECRET: randomBytes(24).toString('hex'), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SMTP_URL: sink.url, STORAGE_DIR: `/tmp/${queuePrefix}`, LOG_LEVEL: 'warn', APP_ROLE: 'all' },
    });
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const db = new Client({ connectionString: databaseUrl });
    try {
      for (let i = 0; ; i++) {
        if (await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false)) break;
        if (i > 600 || child.exitCode !== null) throw new Error(`the invitations app did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const api = async (method: string, path: string, body?: unknown, token?: string) => {
        const res = await fetch(baseUrl + path, { method, headers: { 'content-type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
        return text ? JSON.parse(text) : {};
      };
      const { accessToken } = await api('POST', '/api/v1/auth/login', ADMIN);
      const org = await api('POST', '/api/v1/organizations', { name: 'LĐLĐ tỉnh (bench thư mời)' }, accessToken);
      const start = Date.now() + 14 * 86_400_000;
      const event = await api('POST', '/api/v1/events', { title: 'Tập huấn kỹ năng công đoàn', titleEn: 'Union skills training', kind: 'training', organizationId: org.id, venue: 'Hội trường LĐLĐ tỉnh', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 8 * 3_600_000).toISOString(), registrationMode: 'invite_only' }, accessToken);
      await api('POST', `/api/v1/events/${event.id}/publish`, undefined, accessToken);
      await db.connect();
      await db.query(
        `INSERT INTO registration (event_id, full_name, email, role, status, source, token_hash, code, language)
         SELECT $1, 'Đại biểu ' || i, 'moi-' || i || '@bench.local', 'delegate', 'invited', 'import',
                decode(md5(random()::text) || md5(random()::text), 'hex'),
                substr(translate(upper(md5(random()::text || i)), 'ILOU', 'WXYZ'), 1, 10),
                CASE WHEN i % 3 = 0 THEN 'en' ELSE 'vi' END
           FROM generate_series(1, $2) AS i`,
        [event.id, MAILS],
      );

      const machineQueue = await sampleMachine();
      const t0 = Date.now();
      const batch = await api('POST', `/api/v1/events/${event.id}/invitations`, { status: 'invited' }, accessToken);
      const accepted = Date.now() - t0;
      while (sink.received() < MAILS) {
        if (Date.now() - t0 > 30 * 60_000) throw new Error(`only ${sink.received()} of ${MAILS} mails arrived in 30 minutes`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const queueS = (Date.now() - t0) / 1000;
      const once = [...sink.perAddress.values()].every((n) => n === 1) && sink.perAddress.size === MAILS;
      const [{ sent }] = (await db.query(`SELECT count(*)::int AS sent FROM mail_message WHERE batch_id = $1 AND status = 'sent'`, [batch.batchId])).rows;

      // The same mails, straight through nodemailer.
      const { rows } = await db.query(`SELECT id, to_address, to_name, subject, html, text, attachments FROM mail_message WHERE batch_id = $1`, [batch.batchId]);
      const token = randomBytes(32).toString('base64url');
      const { default: QRCode } = await import('qrcode');
      const transport = createTransport({ url: sink.url, pool: true, maxConnections: 8, maxMessages: 1000 }, { from: 'TrainingDesk <no-reply@localhost>' });
      sink.reset();
      const machineDirect = await sampleMachine();
      const t1 = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < rows.length) {
            const m = rows[next++];
            await transport.sendMail({
              to: { name: m.to_name, address: m.to_address },
              subject: m.subject,
              html: m.html.split('%%PERSONAL_LINK_TOKEN%%').join(token),
              text: m.text.split('%%PERSONAL_LINK_TOKEN%%').join(token),
              attachments: await Promise.all(
                (m.attachments ?? []).map(async (a: { filename: string; contentType: string; content?: string; cid?: string; qrCode?: string }) => ({
                  filename: a.filename,
                  contentType: a.contentType,
                  content: a.content !== undefined ? Buffer.from(a.content, 'base64') : await QRCode.toBuffer(a.qrCode!, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 }),
                  ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
                })),
              ),
            });
          }
        }),
      );
      const directS = (Date.now() - t1) / 1000;
      transport.close();
      const queueRate = MAILS / queueS;
      const directRate = rows.length / directS;
      const scenario = 'invitations';
      return [
        ctx.row({ scenario, metric: 'mails delivered once each', unit: 'mails', value: once ? MAILS : sink.perAddress.size, limit: MAILS, target: 'each delivered once', pass: once && sent === MAILS }),
        ctx.row({ scenario, metric: 'mails/s through the queue vs nodemailer direct', unit: 'mails/s', value: queueRate, limit: directRate, target: '≥ 60 % of direct', pass: queueRate >= 0.6 * directRate, machine: machineNote(machineQueue, machineDirect) }),
        ctx.row({ scenario, metric: 'POST /events/:id/invitations answered (202)', unit: 'ms', value: accepted, limit: null, target: '', pass: null }),
      ];
    } finally {
      await db.end().catch(() => undefined);
      await sink.close();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "td_bench_inv_${suffix}" WITH (FORCE)`).finally(() => admin.end());
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  },
};
