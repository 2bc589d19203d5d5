import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import { BY_CODE } from '../../src/check-ins/check-ins.repository';
import { EVENT_SQL } from '../../src/events/events.repository';
import { MailRenderer } from '../../src/mail/mail-renderer';
import type { PreparedMail } from '../../src/mail/mail.service';
import { generateCheckInCode, normalizeCheckInCode } from '../../src/registrations/registration-code';
import { entryState } from '../../src/registrations/registration-window';
import { CONFIRMED_WITH_SEAT_SQL, confirmedWithSeatValues } from '../../src/registrations/registrations.repository';

// The hot paths' limit on this machine: the very statements the product runs (imported from its
// repositories) on a pg pool of the same size as the app's (20), as named prepared statements like
// the app's, behind a bare node:http server that parses the same JSON body and answers the same
// status, without a framework, validation library, auth or logging. Run by the storms as its own
// process (dist/test/bench/limit-server.js), like the app: what the app reaches is a share of this.
// - POST /events/:id/check-ins: the check-in's one statement (BY_CODE).
// - POST /events/:id/registrations: the self-registration's statements: the event read (EVENT_SQL),
//   the full-event refusal from it, else the one seat + registration + mail + outbox statement
//   (CONFIRMED_WITH_SEAT_SQL). The mail is rendered by the product's own MailRenderer, so the row
//   written is the same size; the personal-link token is an HMAC as the product's.
// Env: DATABASE_URL, PORT, USER_ID (the check-in's author), SCOPE_ROOT (the staff member's unit).

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const userId = process.env.USER_ID ?? null;
const scopeRoot = process.env.SCOPE_ROOT || null;
const linkKey = randomBytes(32);
const renderer = new MailRenderer();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

type Answer = [status: number, body: unknown];

async function checkIn(eventId: string, body: { code?: unknown; nonce?: unknown }): Promise<Answer> {
  const code = typeof body.code === 'string' ? normalizeCheckInCode(body.code) : null;
  if (!code) return [400, { statusCode: 400, message: 'code is not a check-in code' }];
  const nonce = typeof body.nonce === 'string' ? body.nonce : null;
  const { rows } = await pool.query({ name: 'limit_check_in_by_code', text: BY_CODE, values: [eventId, code, null, new Date(), userId, nonce, scopeRoot] });
  const row = rows[0];
  if (!row?.checkInId) return [404, { statusCode: 404, message: 'no such registration' }];
  return [row.insertedId ? 201 : 200, { duplicate: !row.insertedId, checkIn: { id: row.checkInId, checkedInAt: row.checkedInAt }, registration: { id: row.registrationId, fullName: row.fullName } }];
}

async function register(eventId: string, body: { fullName?: unknown; email?: unknown; language?: unknown }): Promise<Answer> {
  if (typeof body.fullName !== 'string' || typeof body.email !== 'string') return [400, { statusCode: 400, message: 'fullName and email are required' }];
  const { rows: events } = await pool.query({ name: 'limit_event_by_id', text: EVENT_SQL, values: [eventId] });
  const event = events[0];
  if (!event || event.status === 'draft') return [404, { statusCode: 404, message: 'no such event' }];
  const state = entryState(event);
  if (state !== 'open' && state !== 'full' && state !== 'waitlist') return [409, { statusCode: 409, message: `registration is ${state}` }];
  if (!event.waitlist && event.capacity !== null && event.confirmedCount >= event.capacity) return [409, { statusCode: 409, message: 'the event is full' }];
  const language = body.language === 'en' ? 'en' : 'vi';
  const id = randomUUID();
  const token = createHmac('sha256', linkKey).update(`${id}.1`).digest('base64url');
  const code = generateCheckInCode();
  const rendered = renderer.render('notice', language, {
    heading: `Registration confirmed: ${event.title}`,
    paragraphs: [`Dear ${body.fullName},`, 'Your registration is confirmed.', `When: ${event.startsAt.toISOString()}.`, `Check-in code: ${code}.`],
    link: { url: 'http://127.0.0.1/r/%%PERSONAL_LINK_TOKEN%%', label: 'View my registration' },
  });
  const messageId = randomUUID();
  const values = confirmedWithSeatValues(
    { id, eventId, fullName: body.fullName, email: body.email, phone: null, position: null, organizationId: null, role: 'delegate', language, status: 'confirmed', source: 'self', tokenHash: createHash('sha256').update(token).digest(), code, createdById: null },
    ['published'],
    {
      // The fields the statement writes for a confirmation mail (a cast: other mail columns stay at their defaults).
      message: { id: messageId, toAddress: body.email, toName: body.fullName, template: 'notice', locale: language, ...rendered, attachments: null, registrationId: id, kind: 'registration-confirmed' } as PreparedMail['message'],
      job: { id: randomUUID(), jobName: 'mail.send', payload: { messageId }, dedupKey: messageId, jobId: `mail.send-${messageId}`, runAt: null },
    },
  );
  try {
    const { rows } = await pool.query({ name: 'limit_registration_confirmed_with_seat', text: CONFIRMED_WITH_SEAT_SQL, values });
    if (!rows[0]) return [409, { statusCode: 409, message: 'the event is full' }];
    return [201, { id, eventId, fullName: body.fullName, email: body.email, status: 'confirmed', code, createdAt: rows[0].createdAt, token, link: `http://127.0.0.1/r/${token}` }];
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return [409, { statusCode: 409, message: 'already registered' }];
    throw err;
  }
}

const ROUTE = /^\/events\/([0-9a-f-]{36})\/(check-ins|registrations)$/;

const server = createServer(async (req, res) => {
  const answer = ([status, body]: Answer) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    const match = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return answer([404, { statusCode: 404 }]);
    const body = JSON.parse(await readBody(req));
    answer(match[2] === 'check-ins' ? await checkIn(match[1], body) : await register(match[1], body));
  } catch (err) {
    answer([500, { statusCode: 500, message: (err as Error).message }]);
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log('limit server listening'));
process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
