import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent } from '../factories/events';
import { checkIn, register, RegistrationBody } from '../factories/registrations';
import { SmtpCapture } from '../support/smtp-capture';
import { dropDatabase, startTestApp, TestApp, uniqueSuffix } from '../support/test-app';
import { waitUntil } from './mail-smtp-support';

jest.setTimeout(150_000);

const run = promisify(execFile);
const SCRIPTS = join(__dirname, '..', '..', 'scripts');
const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const api = '/api/v1';

/** Runs scripts/<name> with only the variables the README documents (and PATH, for pg_dump and psql). */
async function script(name: string, env: Record<string, string>, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [join(SCRIPTS, name), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
}

/** Everything the restore must bring back, read straight from a database. */
async function snapshot(t: TestApp) {
  const q = (sql: string) => t.dataSource.query(sql);
  return {
    registrations: await q(`SELECT id, full_name, email, status, code, waitlisted_at, confirmed_at FROM registration ORDER BY id`),
    checkIns: await q(`SELECT id, registration_id, event_id, checked_in_at, checked_in_by_id FROM check_in ORDER BY id`),
    mails: await q(`SELECT id, to_address, template, subject, status, sent_at, message_id FROM mail_message ORDER BY id`),
    articles: await q(`SELECT id, language, status, slug, title FROM article ORDER BY id`),
    photos: await q(`SELECT id, bytes FROM event_photo ORDER BY id`),
    migrations: await q(`SELECT id, timestamp, name FROM migrations ORDER BY id`),
  };
}

/** The outbox has nothing left to do: every job relayed and finished. */
async function outboxSettled(t: TestApp): Promise<boolean> {
  const [{ open }] = await t.dataSource.query(`SELECT count(*)::int AS open FROM outbox WHERE status IN ('pending', 'enqueued')`);
  return open === 0;
}

describe('backup and restore (scripts/backup.sh, scripts/restore.sh; real pg_dump and pg_restore)', () => {
  let smtp: SmtpCapture;
  let smtpAfter: SmtpCapture | undefined;
  let t: TestApp | undefined;
  let restored: TestApp | undefined;
  let work: string;
  const suffix = uniqueSuffix();
  const restoredUrl = `${PG_BASE}/td_test_restored_${suffix}`;
  const restoredStorage = join(tmpdir(), `td-test-restored-${suffix}`);
  const prefixes: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'td-backup-'));
    smtp = await SmtpCapture.start();
    t = await startTestApp({ SMTP_URL: smtp.url });
    prefixes.push(t.config.queuePrefix);
  });
  afterAll(async () => {
    await restored?.close();
    await t?.close();
    await dropDatabase(restoredUrl);
    await smtp?.close();
    await smtpAfter?.close();
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      }
    } finally {
      redis.disconnect();
    }
    await Promise.all([work, restoredStorage, t?.config.storageDir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('a backup taken while the app runs restores into a fresh database and STORAGE_DIR: every registration, check-in, mail and article, the photo byte for byte, and no mail sent again', async () => {
    const source = t!;
    const started = performance.now();
    // Real data through the app: 3 seats for 5 people (3 confirmed, 2 waitlisted), 2 check-ins, their mails
    // delivered over SMTP, a recap photo in STORAGE_DIR and a published article that shows it.
    const admin = await loginAdmin(source);
    const org = await createOrganization(source, admin, { name: 'Liên đoàn Lao động tỉnh Đồng Nai', abbreviation: 'LĐLĐ', locality: 'tỉnh Đồng Nai' });
    const organizer: Actor = await createActor(source, admin, 'organizer', org.id);
    const staff = await createActor(source, admin, 'staff', org.id);
    const event = await createPublishedEvent(source, organizer, { title: 'Tập huấn sao lưu dữ liệu', capacity: 3, waitlist: true, reminderHoursBefore: 24 });
    const people: RegistrationBody[] = [];
    for (const fullName of ['Đặng Thị Hương', 'Võ Văn Kiệt', 'Nguyễn Ánh Dương', 'Trần Quốc Toản', 'Lê Thị Riêng']) people.push(await register(source, event.id, { fullName }));
    expect(people.map((p) => p.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
    for (const p of people.slice(0, 2)) await checkIn(source, staff, event.id, { code: p.code }).expect(201);
    await source.http().put(`${api}/events/${event.id}/recap`).set(organizer.auth).send({ highlights: ['Học viên thực hành sao lưu và khôi phục.'], author: 'Minh Anh' }).expect(200);
    const original = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a6f4e' } }).jpeg().toBuffer();
    const upload = await source.http().post(`${api}/events/${event.id}/photos`).set(organizer.auth).field('caption', 'Quang cảnh lớp học').attach('file', original, 'IMG_1.JPG').expect(201);
    const photoUrl: string = upload.body.url;
    const generating = await source.http().post(`${api}/events/${event.id}/articles`).set(organizer.auth).send({ language: 'vi' }).expect(202);
    const articleId: string = generating.body.id;
    await waitUntil('the article is drafted', async () => (await source.http().get(`${api}/articles/${articleId}`).set(organizer.auth)).body.status === 'draft', 30_000);
    const article = (await source.http().post(`${api}/articles/${articleId}/publish`).set(organizer.auth).expect(200)).body;
    await waitUntil('every mail is sent and the outbox is settled', async () => {
      const [{ unsent }] = await source.dataSource.query(`SELECT count(*)::int AS unsent FROM mail_message WHERE status <> 'sent'`);
      return unsent === 0 && (await outboxSettled(source));
    }, 60_000);
    await waitUntil('the reminder is planned', async () => (await source.dataSource.query(`SELECT 1 FROM event_reminder WHERE event_id = $1`, [event.id])).length === 1, 30_000);
    const photoBytes = (await source.http().get(photoUrl).buffer(true).expect(200)).body as Buffer;
    const before = await snapshot(source);
    expect(before.mails.length).toBeGreaterThanOrEqual(people.length);
    expect(smtp.messages.length).toBe(before.mails.length);
    const built = performance.now();

    // Backup while the app is up (pg_dump reads one snapshot), with the machine's own PostgreSQL 15 tools.
    const { stdout: pgDumpPath } = await run('which', ['pg_dump']);
    const { stdout: pgDumpVersion } = await run('pg_dump', ['--version']);
    expect(pgDumpVersion).toMatch(/PostgreSQL\) 15\./);
    const backedUp = await script('backup.sh', { DATABASE_URL: source.config.databaseUrl, STORAGE_DIR: source.config.storageDir }, [work]);
    const backupDir = backedUp.stdout.trim().split('\n').pop()!;
    expect((await readdir(backupDir)).sort()).toEqual(['SHA256SUMS', 'backup.txt', 'database.dump', 'storage.tar']);
    const dumped = performance.now();

    // Restore into a database and a folder that do not exist yet.
    const restoreEnv = { DATABASE_URL: restoredUrl, STORAGE_DIR: restoredStorage };
    const restoredOut = await script('restore.sh', restoreEnv, [backupDir]);
    expect(restoredOut.stderr).toMatch(/1 photos, 0 files missing/);
    const restoreDone = performance.now();
    // Now the target holds data: a second restore is refused (exit code 3) and changes nothing.
    const refused = await script('restore.sh', restoreEnv, [backupDir]).then(() => null, (err: { code: number; stderr: string }) => err);
    expect(refused?.code).toBe(3);
    expect(refused?.stderr).toMatch(/database "td_test_restored_\w+" is not empty .* pass --force/);

    // The old installation is gone; the app starts on the restored database with the same JWT_SECRET,
    // a queue prefix with nothing in Redis, and another SMTP server that must receive nothing old.
    await source.close();
    t = undefined;
    smtpAfter = await SmtpCapture.start();
    const restartedAt = new Date();
    restored = await startTestApp({ ...restoreEnv, JWT_SECRET: source.config.jwtSecret, SMTP_URL: smtpAfter.url });
    prefixes.push(restored.config.queuePrefix);
    const after = await snapshot(restored);

    // The migrations table came with the dump: starting applied nothing.
    expect(after.migrations).toEqual(before.migrations);
    expect(after.registrations).toEqual(before.registrations);
    expect(after.checkIns).toEqual(before.checkIns);
    expect(after.articles).toEqual(before.articles);
    expect(after.photos).toEqual(before.photos);
    expect(after.mails).toEqual(before.mails);

    // Through the restored app: the delegates' links (derived from JWT_SECRET) still open their registrations,
    // an organizer's token still works, the article and its page are there, the photo is the same bytes.
    for (const p of people) {
      const own = await restored.http().get(`${api}/public/registrations/${p.token}`).expect(200);
      expect(own.body).toMatchObject({ code: p.code, status: p.status, fullName: p.fullName });
    }
    const stats = await restored.http().get(`${api}/events/${event.id}/check-ins/stats`).set(staff.auth).expect(200);
    expect(stats.body).toMatchObject({ expected: 3, checkedIn: 2 });
    // The door scans again: the restored check-in is found (200, duplicate), not made a second time.
    const again = await checkIn(restored, staff, event.id, { code: people[0].code }).expect(200);
    expect(again.body.duplicate).toBe(true);
    const restoredArticle = await restored.http().get(`${api}/articles/${articleId}`).set(organizer.auth).expect(200);
    expect(restoredArticle.body).toMatchObject({ status: 'published', slug: article.slug, title: article.title, paragraphs: article.paragraphs });
    const page = await restored.http().get(`/news/${article.slug}`).expect(200);
    expect(page.text).toContain(photoUrl);
    const servedAfter = (await restored.http().get(photoUrl).buffer(true).expect(200)).body as Buffer;
    expect(servedAfter.equals(photoBytes)).toBe(true);

    // Nothing is sent again: the restored app relays what restore.sh re-queued (the reminder's plan) and
    // settles, the reminder is a delayed job again in the new prefix, every mail is still the same `sent` row.
    await waitUntil('the restored outbox is settled', () => outboxSettled(restored!), 30_000);
    const [reminder] = await restored.dataSource.query(`SELECT job_id AS "jobId" FROM event_reminder WHERE event_id = $1`, [event.id]);
    expect(reminder).toBeDefined();
    const job = await restored.app.get<Queue>(getQueueToken('events'), { strict: false }).getJob(reminder.jobId);
    expect(await job?.getState()).toBe('delayed');
    const [{ completedAfter }] = await restored.dataSource.query(`SELECT count(*)::int AS "completedAfter" FROM outbox WHERE status = 'completed' AND finished_at >= $1`, [restartedAt]);
    expect(smtpAfter.messages).toHaveLength(0);
    expect((await snapshot(restored)).mails).toEqual(before.mails);

    const ms = (a: number, b: number) => Math.round(b - a);
    const statuses = (s: string) => before.registrations.filter((r: { status: string }) => r.status === s).length;
    console.log(
      `backup-restore: ${before.registrations.length} registrations (${statuses('confirmed')} confirmed, ${statuses('waitlisted')} waitlisted), ` +
        `${before.checkIns.length} check-ins, ${before.mails.length} mails sent, ${before.articles.length} article, ${before.photos.length} photo (${photoBytes.length} B, identical), ` +
        `${before.migrations.length} migrations (none re-run); ${pgDumpPath.trim()}: backup ${ms(built, dumped)} ms, restore ${ms(dumped, restoreDone)} ms; ` +
        `after restore: ${completedAfter} outbox job(s) run (the reminder's plan), ${smtpAfter.messages.length} mails re-sent; ${ms(started, performance.now())} ms in all`,
    );
  });
});
