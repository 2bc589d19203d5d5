import { createServer } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';
import { eventWithInvited, waitUntil } from './mail-smtp-support';

// Two attempts, 100 ms apart: a mail to an SMTP server that never answers fails visibly.
const JOB_OPTIONS = { attempts: 2, backoff: { type: 'fixed', delay: 100 } };

/**
 * A server that takes the connection and never greets: nodemailer gives up after its greeting
 * timeout (10 s) with code ETIMEDOUT — the errno PostgreSQL's lost connections also carry.
 */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

jest.setTimeout(120_000);

describe('an SMTP server that never greets', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof silentServer>>;

  beforeAll(async () => {
    smtp = await silentServer();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'TrainingDesk <no-reply@td.test>' }, { jobOptions: JOB_OPTIONS });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('uses up the attempts and marks each mail failed with the reason (an SMTP timeout is not taken for a PostgreSQL outage)', async () => {
    const { admin, eventId } = await eventWithInvited(t, 2);
    const res = await t.http().post(`/api/v1/events/${eventId}/invitations`).set(admin.auth).send({}).expect(202);
    const rows = async () =>
      (await t.dataSource.query(`SELECT status, attempts, last_error FROM mail_message WHERE batch_id = $1`, [res.body.batchId])) as { status: string; attempts: number; last_error: string | null }[];
    // Before the fix, the job waited the timeout out as a database outage (about 10 minutes, no attempt used).
    await waitUntil('both mails are failed', async () => {
      const r = await rows();
      return r.length === 2 && r.every((m) => m.status === 'failed');
    }, 80_000);
    for (const m of await rows()) {
      expect(m.attempts).toBe(2);
      expect(m.last_error).toMatch(/greeting/i);
    }
    const batch = await t.http().get(`/api/v1/invitation-batches/${res.body.batchId}`).set(admin.auth).expect(200);
    expect(batch.body).toMatchObject({ total: 2, failed: 2, sent: 0 });
  });
});
