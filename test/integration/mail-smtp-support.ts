import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { TestApp } from '../support/test-app';
import { Actor, loginAdmin } from '../factories';

/**
 * A real SMTP server (smtp-server + mailparser) whose answers a test can script: refuse the first
 * attempts with 421 (transient), refuse some recipients with 550 (permanent), hold each message.
 * Unlike test/support/smtp-capture.ts it also counts the attempts it refused.
 */
export class ScriptedSmtp {
  /** Raw messages as received; parsed only when a test reads them (parsing in onData would compete with the app for the CPU). */
  readonly raw: Buffer[] = [];
  private parsed: ParsedMail[] = [];
  refused421 = 0;
  refused550 = 0;
  /** Refuse this many MAIL FROM commands with 421 before accepting any. */
  tempFailFirst = 0;
  /** Recipients refused with 550 while this returns true. */
  reject: (address: string) => boolean = () => false;
  delayMs = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ScriptedSmtp> {
    let self: ScriptedSmtp | undefined;
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onMailFrom(_address, _session, callback) {
        if (self!.tempFailFirst > 0) {
          self!.tempFailFirst--;
          self!.refused421++;
          const err = new Error('4.3.2 try again later') as Error & { responseCode: number };
          err.responseCode = 421;
          return callback(err);
        }
        callback();
      },
      onRcptTo(address, _session, callback) {
        if (self!.reject(address.address)) {
          self!.refused550++;
          const err = new Error(`5.1.1 mailbox ${address.address} unavailable`) as Error & { responseCode: number };
          err.responseCode = 550;
          return callback(err);
        }
        callback();
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', callback);
        stream.on('end', () => {
          const done = () => {
            self!.raw.push(Buffer.concat(chunks));
            callback();
          };
          if (self!.delayMs) setTimeout(done, self!.delayMs);
          else done();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // A client cut off mid-conversation (a worker SIGKILLed, a send aborted) is an 'error' of the server's;
    // without a listener it would be an uncaught ECONNRESET that fails the whole test file.
    server.on('error', () => undefined);
    self = new ScriptedSmtp(server, (server.server.address() as { port: number }).port);
    return self;
  }

  get count(): number {
    return this.raw.length;
  }

  /** Forgets what arrived so far. */
  clear(): void {
    this.raw.length = 0;
    this.parsed = [];
  }

  /** Every message received so far, parsed. */
  async messages(): Promise<ParsedMail[]> {
    while (this.parsed.length < this.raw.length) this.parsed.push(await simpleParser(this.raw[this.parsed.length], { keepCidLinks: true }));
    return this.parsed;
  }

  /**
   * Waits until `count` messages have arrived. It fails when none has arrived for `stallMs`, not
   * after a fixed total: with both cores busy (the suite beside `stress`) 200 rendered invitations take
   * well over a minute, yet arrive steadily; a delivery that stopped still fails within `stallMs`.
   */
  async waitFor(count: number, stallMs = 60_000): Promise<ParsedMail[]> {
    let seen = this.raw.length;
    let deadline = Date.now() + stallMs;
    while (this.raw.length < count) {
      if (this.raw.length > seen) [seen, deadline] = [this.raw.length, Date.now() + stallMs];
      if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${this.raw.length} (none for ${stallMs} ms)`);
      await sleep(50);
    }
    return this.messages();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

export const toAddress = (m: ParsedMail): string => (m.to && !Array.isArray(m.to) ? m.to.value[0].address ?? '' : '').toLowerCase();

/** The personal link in a mail's text part (the filled-in `APP_URL/r/<token>`). */
export const personalToken = (m: ParsedMail): string => {
  const match = /\/r\/([A-Za-z0-9_-]{22,100})(?![A-Za-z0-9_/-])/.exec(m.text ?? '');
  if (!match) throw new Error(`no personal link in:\n${m.text}`);
  return match[1];
};

/** An organization, an invite-only published event in it and `n` invited registrations, every third one in English. */
export async function eventWithInvited(t: TestApp, n: number, overrides: Record<string, unknown> = {}): Promise<{ admin: Actor; eventId: string; orgId: string; registrationIds: string[] }> {
  const admin = await loginAdmin(t);
  const org = await t.http().post('/api/v1/organizations').set(admin.auth).send({ name: `Công đoàn ${Date.now()}` }).expect(201);
  const start = Date.now() + 7 * 86_400_000;
  const ev = await t
    .http()
    .post('/api/v1/events')
    .set(admin.auth)
    .send({ title: 'Tập huấn kỹ năng công đoàn', titleEn: 'Union skills training', kind: 'training', organizationId: org.body.id, venue: 'Hội trường LĐLĐ tỉnh', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 8 * 3_600_000).toISOString(), registrationMode: 'invite_only', capacity: null, ...overrides })
    .expect(201);
  await t.http().post(`/api/v1/events/${ev.body.id}/publish`).set(admin.auth).expect(200);
  const rows = ['fullName,email', ...Array.from({ length: n }, (_, i) => `Đại biểu ${i},delegate${i}@td.test`)].join('\n');
  await t.http().post(`/api/v1/events/${ev.body.id}/registrations/import`).set(admin.auth).attach('file', Buffer.from(rows), 'list.csv').expect(201);
  await t.dataSource.query(`UPDATE registration SET language = 'en' WHERE event_id = $1 AND (substring(email from 'delegate([0-9]+)@')::int % 3) = 0`, [ev.body.id]);
  const ids: { id: string }[] = await t.dataSource.query(`SELECT id FROM registration WHERE event_id = $1 ORDER BY email`, [ev.body.id]);
  return { admin, eventId: ev.body.id, orgId: org.body.id, registrationIds: ids.map((r) => r.id) };
}

export async function mailStatuses(db: DataSource, batchId: string): Promise<Record<string, number>> {
  const rows: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM mail_message WHERE batch_id = $1 GROUP BY status`, [batchId]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
