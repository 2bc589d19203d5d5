import { MailMessagesRepository } from '../../src/mail/mail-messages.repository';
import { MailSendProcessor } from '../../src/mail/mail-send.processor';
import { JobContext } from '../../src/queue/job-processor';
import { startTestApp, TestApp } from '../support/test-app';
import { ScriptedSmtp, sleep } from './mail-smtp-support';

/**
 * A mail job that BullMQ runs again while its first run is still sending (the first run's worker
 * lost the job's lock on a loaded machine: its event loop starved past lockDuration, or the send
 * waited in the pooled transport's queue) must not send the message a second time. Seen as 52
 * invitation mails for 50 recipients in invite-only.test.ts under load: the second run found the
 * claim older than its lease and took it over although the first run was alive and sending.
 */
describe('a mail whose first run is still sending when its job runs again', () => {
  let smtp: ScriptedSmtp;
  let t: TestApp;
  let repo: MailMessagesRepository;
  let processor: MailSendProcessor;

  beforeAll(async () => {
    smtp = await ScriptedSmtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url });
    repo = t.app.get(MailMessagesRepository, { strict: false });
    processor = t.app.get(MailSendProcessor, { strict: false });
  });
  afterAll(async () => {
    if (repo) repo.leaseMs = 45_000;
    await t?.close();
    await smtp?.close();
  });

  // No outbox row: only the runs this test starts send it.
  const newMail = async (to: string): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO mail_message (to_address, template, locale, subject, html, text) VALUES ($1, 'test', 'vi', 'Thư mời', '<p>Thư mời</p>', 'Thư mời') RETURNING id`,
      [to],
    );
    return id;
  };
  const ctx = (messageId: string, attempt = 1): JobContext => ({ jobId: `mail.send-${messageId}`, attempt, isFinalAttempt: false, remember: async () => undefined });
  const status = async (id: string) => (await t.dataSource.query(`SELECT status, attempts, message_id AS "messageId" FROM mail_message WHERE id = $1`, [id]))[0];

  it('is sent once: the running send renews its claim, and the second run waits for its outcome', async () => {
    // A lease of 2 s (renewed every ~220 ms) and a server that holds its reply to the final dot
    // for 5 s: the first run is still sending long after its claim's first 2 s.
    repo.leaseMs = 2000;
    smtp.delayMs = 5000;
    const id = await newMail('once@td.test');
    const first = processor.process({ messageId: id }, ctx(id));
    // Past the lease of the first claim (a time-based takeover would happen now), the job runs again.
    await sleep(3000);
    expect((await status(id)).status).toBe('sending');
    const second = processor.process({ messageId: id }, ctx(id));
    await Promise.all([first, second]);
    expect(smtp.count).toBe(1);
    expect(await status(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a claim that is no longer renewed (its worker stopped) is still taken over', async () => {
    repo.leaseMs = 2000;
    smtp.delayMs = 0;
    smtp.clear();
    const id = await newMail('taken-over@td.test');
    // A run that claimed the message and stopped (killed) before sending: nothing renews the claim.
    await t.dataSource.query(`UPDATE mail_message SET status = 'sending', sending_at = now() - interval '3 seconds', attempts = 1 WHERE id = $1`, [id]);
    await processor.process({ messageId: id }, ctx(id));
    expect(smtp.count).toBe(1);
    expect(await status(id)).toMatchObject({ status: 'sent' });
  });
});
