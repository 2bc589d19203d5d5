import { createServer, IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import { BY_CODE } from '../../src/check-ins/check-ins.repository';
import { normalizeCheckInCode } from '../../src/registrations/registration-code';

// The check-in's limit on this machine: the same one prepared statement on a pg pool of the same size
// as the app's (20), behind a bare node:http server that parses the same JSON body and answers the
// same status, without a framework, validation, auth or logging. Run by the check-in storm as its own
// process (dist/test/bench/limit-server.js), like the app: what the app reaches is a share of this.
// Env: DATABASE_URL, PORT, USER_ID (the check-in's author), SCOPE_ROOT (the staff member's unit).

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const userId = process.env.USER_ID ?? null;
const scopeRoot = process.env.SCOPE_ROOT || null;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  const answer = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    const match = /^\/events\/([0-9a-f-]{36})\/check-ins$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return answer(404, { statusCode: 404 });
    const body = JSON.parse(await readBody(req)) as { code?: unknown; nonce?: unknown };
    const code = typeof body.code === 'string' ? normalizeCheckInCode(body.code) : null;
    if (!code) return answer(400, { statusCode: 400, message: 'code is not a check-in code' });
    const nonce = typeof body.nonce === 'string' ? body.nonce : null;
    const { rows } = await pool.query({ name: 'limit_check_in_by_code', text: BY_CODE, values: [match[1], code, null, new Date(), userId, nonce, scopeRoot] });
    const row = rows[0];
    if (!row?.checkInId) return answer(404, { statusCode: 404, message: 'no such registration' });
    answer(row.insertedId ? 201 : 200, { duplicate: !row.insertedId, checkIn: { id: row.checkInId, checkedInAt: row.checkedInAt }, registration: { id: row.registrationId, fullName: row.fullName } });
  } catch (err) {
    answer(500, { statusCode: 500, message: (err as Error).message });
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log('limit server listening'));
process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
