import { execFileSync } from 'node:child_process';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createPublishedEvent, EventBody } from '../factories/events';
import { checkIn, register, RegistrationBody } from '../factories/registrations';
import { startTestApp, TestApp } from '../support/test-app';

const bytes = (res: any, cb: (err: Error | null, body: any) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Certificates of attendance: issued only after a check-in, verified publicly by code, forged or altered codes refused. */
describe('certificates of attendance', () => {
  let t: TestApp;
  let organizer: Actor;
  let leader: Actor;
  let stranger: Actor;
  let event: EventBody;
  let present: RegistrationBody;
  let absent: RegistrationBody;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const unit = await createOrganization(t, admin, { name: 'Công đoàn ngành Giao thông vận tải' });
    const other = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh Đồng Nai' });
    organizer = await createActor(t, admin, 'organizer', unit.id);
    leader = await createActor(t, admin, 'leader', unit.id);
    stranger = await createActor(t, admin, 'leader', other.id);
    event = await createPublishedEvent(t, organizer, { title: 'Lớp bồi dưỡng kỹ năng đối thoại', titleEn: 'Dialogue skills course' });
    present = await register(t, event.id, { fullName: 'Đặng Thị Hương Giang', organizationId: unit.id }, organizer);
    absent = await register(t, event.id, { fullName: 'Võ Minh Tuấn', organizationId: unit.id }, organizer);
    expect((await checkIn(t, organizer, event.id, { code: present.code })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is refused (409) for a registration that was never checked in', async () => {
    const res = await t.http().get(`/api/v1/registrations/${absent.id}/certificate`).set(organizer.auth).expect(409);
    expect(res.body.message).toMatch(/not checked in/);
    await t.http().get(`/api/v1/registrations/${absent.id}/certificate.pdf`).set(organizer.auth).expect(409);
  });

  it('gives a checked-in delegate a code that verifies publicly, the same code each time', async () => {
    const res = await t.http().get(`/api/v1/registrations/${present.id}/certificate`).set(leader.auth).expect(200);
    expect(res.body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(res.body.verifyUrl).toBe(`${t.config.appUrl}/verify/${res.body.code}`);
    expect(res.body.pdfUrl).toBe(`${t.config.appUrl}/api/v1/registrations/${present.id}/certificate.pdf`);
    const again = await t.http().get(`/api/v1/registrations/${present.id}/certificate`).set(organizer.auth).expect(200);
    expect(again.body.code).toBe(res.body.code);
    const verified = await t.http().get(`/api/v1/public/certificates/${res.body.code}`).expect(200);
    expect(verified.body).toEqual({
      fullName: 'Đặng Thị Hương Giang',
      eventTitle: 'Lớp bồi dưỡng kỹ năng đối thoại',
      eventTitleEn: 'Dialogue skills course',
      organization: 'Công đoàn ngành Giao thông vận tải',
      attendedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      code: res.body.code,
    });
    // Typed without dashes, in lower case: the same certificate.
    await t.http().get(`/api/v1/public/certificates/${res.body.code.replace(/-/g, '').toLowerCase()}`).expect(200);
    // Only a hash is stored.
    const [row] = await t.dataSource.query(`SELECT encode(code_hash, 'hex') AS h FROM certificate WHERE registration_id = $1`, [present.id]);
    expect(row.h).toHaveLength(64);
    expect(row.h).not.toContain(res.body.code.replace(/-/g, '').toLowerCase());
  });

  it('refuses an altered code, a forged one and garbage with the same 404', async () => {
    const { code } = (await t.http().get(`/api/v1/registrations/${present.id}/certificate`).set(organizer.auth).expect(200)).body as { code: string };
    const plain = code.replace(/-/g, '');
    for (let i = 0; i < plain.length; i += 5) {
      const swapped = ALPHABET[(ALPHABET.indexOf(plain[i]) + 1) % 32];
      const altered = plain.slice(0, i) + swapped + plain.slice(i + 1);
      await t.http().get(`/api/v1/public/certificates/${altered}`).expect(404);
    }
    await t.http().get(`/api/v1/public/certificates/${'7'.repeat(16)}`).expect(404);
    await t.http().get('/api/v1/public/certificates/not-a-code').expect(404);
    // The absent delegate's check-in code, padded to a certificate code's length, is no certificate.
    await t.http().get(`/api/v1/public/certificates/${absent.code}${absent.code.slice(0, 6)}`).expect(404);
  });

  it('the certificate PDF names the person, the event and the code; /verify/:code confirms it and an altered code is a 404 page', async () => {
    const { code } = (await t.http().get(`/api/v1/registrations/${present.id}/certificate`).set(organizer.auth).expect(200)).body as { code: string };
    const pdf = await t.http().get(`/api/v1/registrations/${present.id}/certificate.pdf`).set(leader.auth).buffer(true).parse(bytes).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf.body as Buffer }).toString('utf8');
    expect(text).toContain('GIẤY CHỨNG NHẬN THAM DỰ');
    expect(text).toContain('Đặng Thị Hương Giang');
    expect(text).toContain('Lớp bồi dưỡng kỹ năng đối thoại');
    expect(text).toContain(code);
    const en = await t.http().get(`/api/v1/registrations/${present.id}/certificate.pdf?lang=en`).set(leader.auth).buffer(true).parse(bytes).expect(200);
    expect(execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: en.body as Buffer }).toString('utf8')).toContain('Dialogue skills course');

    const page = await t.http().get(`/verify/${code}`).expect(200);
    expect(page.text).toContain('Giấy chứng nhận hợp lệ');
    expect(page.text).toContain('Đặng Thị Hương Giang');
    const altered = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
    const bad = await t.http().get(`/verify/${altered}`).expect(404);
    expect(bad.text).toContain('Không tìm thấy giấy chứng nhận');
    expect(bad.text).not.toContain('Đặng Thị Hương Giang');
  });

  it('stops verifying when the check-in is undone', async () => {
    const other = await register(t, event.id, { fullName: 'Lê Văn Tạm' }, organizer);
    const ci = await checkIn(t, organizer, event.id, { code: other.code });
    const { code } = (await t.http().get(`/api/v1/registrations/${other.id}/certificate`).set(organizer.auth).expect(200)).body as { code: string };
    await t.http().get(`/api/v1/public/certificates/${code}`).expect(200);
    await t.http().delete(`/api/v1/check-ins/${ci.body.checkIn.id}`).set(organizer.auth).expect(204);
    await t.http().get(`/api/v1/public/certificates/${code}`).expect(404);
  });

  it('refuses a leader of another province (403), callers without a token (401) and a malformed id (400)', async () => {
    await t.http().get(`/api/v1/registrations/${present.id}/certificate`).set(stranger.auth).expect(403);
    await t.http().get(`/api/v1/registrations/${present.id}/certificate.pdf`).set(stranger.auth).expect(403);
    await t.http().get(`/api/v1/registrations/${present.id}/certificate`).expect(401);
    await t.http().get('/api/v1/registrations/nope/certificate').set(organizer.auth).expect(400);
    await t.http().get('/api/v1/registrations/7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f/certificate').set(organizer.auth).expect(404);
  });
});
