import type { AppConfig } from '../config/config';
import type { TrainingEvent } from '../events/event.entity';
import { MailRequest, MailService } from './mail.service';
import { MailRenderer } from './mail-renderer';
import { MailRecipient, RegistrationMails } from '../registrations/registration-mails';

describe('registration mails (template registration.eta, words from the catalogs)', () => {
  const renderer = new MailRenderer();
  const mails = new RegistrationMails({ prepare: (m: MailRequest) => m } as unknown as MailService, { appUrl: 'https://td.example', mailFrom: 'TD <no-reply@td.example>' } as AppConfig);
  const event = (over: Partial<TrainingEvent> = {}): TrainingEvent =>
    ({
      id: '11111111-1111-4111-8111-111111111111',
      title: 'Tập huấn <b>kỹ năng</b> & "thương lượng"',
      titleEn: 'Bargaining <skills>',
      startsAt: new Date('2026-12-15T01:00:00Z'),
      endsAt: new Date('2026-12-15T09:00:00Z'),
      timezone: 'Asia/Ho_Chi_Minh',
      venue: 'Hội trường <A>',
      registrationMode: 'invite_only',
      status: 'published',
      createdAt: new Date('2026-12-01T00:00:00Z'),
      updatedAt: new Date('2026-12-01T00:10:00Z'),
      ...over,
    }) as TrainingEvent;
  const person = (over: Partial<MailRecipient> = {}): MailRecipient => ({ id: 'r1', eventId: 'e1', language: 'vi', fullName: 'Lan <script>x</script>', email: 'lan@td.example', code: 'ABCDEFGHJK', status: 'invited', ...over });
  const render = (req: MailRequest) => renderer.render(req.template, req.locale, req.data);
  const ics = (req: MailRequest) => String(req.attachments!.find((a) => a.contentType.startsWith('text/calendar'))!.content);

  it('an invitation in Vietnamese: user text escaped, times in the event zone, accept and decline links, the QR inline, the agenda with speakers', () => {
    const req = mails.build('invitation', person(), event(), { sessions: [{ title: 'Khai mạc <i>', room: 'P.1', startsAt: '2026-12-15T01:00:00Z', endsAt: '2026-12-15T02:00:00Z', speakers: [{ fullName: 'Nguyễn Văn A', honorific: 'đồng chí' }] }] });
    const out = render(req);
    expect(out.subject).toBe('Thư mời: Tập huấn <b>kỹ năng</b> & "thương lượng"');
    expect(out.html).not.toContain('<script>');
    expect(out.html).not.toContain('<b>kỹ');
    expect(out.html).toContain('Kính gửi Lan &lt;script&gt;x&lt;/script&gt;,');
    expect(out.text).toContain('08:00 – 16:00');
    expect(out.text).toContain('Asia/Ho_Chi_Minh (GMT+7)');
    expect(out.text).toContain('Trình bày: đồng chí Nguyễn Văn A');
    expect(out.html).toContain('href="https://td.example/r/%%PERSONAL_LINK_TOKEN%%/accept"');
    expect(out.html).toContain('href="https://td.example/r/%%PERSONAL_LINK_TOKEN%%/decline"');
    expect(out.html).toContain('src="cid:checkin-qr@trainingdesk"');
    // Inlined CSS: mail clients drop <style>.
    expect(out.html).not.toContain('<style');
    expect(out.html).toMatch(/<a class="mail-button" href="[^"]+" style="[^"]*background-color: #1f6feb/);
    expect(req.attachments!.map((a) => a.filename)).toEqual(['checkin-qr.png', 'event.ics']);
    expect(ics(req)).toContain('UID:11111111-1111-4111-8111-111111111111@trainingdesk');
    expect(ics(req)).toContain('METHOD:PUBLISH');
  });

  it('in English with the English title; an open event has no accept/decline links', () => {
    const out = render(mails.build('invitation', person({ language: 'en' }), event({ registrationMode: 'open' })));
    expect(out.subject).toBe('Invitation: Bargaining <skills>');
    expect(out.text).toContain('Dear Lan <script>x</script>,');
    expect(out.text).toContain('Tuesday');
    expect(out.html).not.toContain('/accept');
  });

  it('a moved event: SEQUENCE grows, the change notice says what it was; a cancellation is METHOD:CANCEL without the QR code', () => {
    const before = mails.build('invitation', person(), event());
    const moved = mails.build('event-changed', person({ status: 'confirmed' }), event({ startsAt: new Date('2026-12-16T01:00:00Z'), endsAt: new Date('2026-12-16T09:00:00Z'), updatedAt: new Date('2026-12-02T00:00:00Z') }), { previous: { startsAt: new Date('2026-12-15T01:00:00Z'), endsAt: new Date('2026-12-15T09:00:00Z') } });
    const seq = (r: MailRequest) => Number(/SEQUENCE:(\d+)/.exec(ics(r))![1]);
    expect(seq(moved)).toBeGreaterThan(seq(before));
    expect(render(moved).text).toContain('Thời gian cũ: 08:00 – 16:00');
    const cancelled = mails.build('event-cancelled', person({ status: 'confirmed' }), event({ status: 'cancelled', updatedAt: new Date('2026-12-03T00:00:00Z') }));
    expect(ics(cancelled)).toContain('METHOD:CANCEL');
    expect(ics(cancelled)).toContain('STATUS:CANCELLED');
    expect(seq(cancelled)).toBeGreaterThan(seq(moved));
    expect(cancelled.attachments!.some((a) => a.qrCode)).toBe(false);
    expect(render(cancelled).subject).toBe('Hủy sự kiện: Tập huấn <b>kỹ năng</b> & "thương lượng"');
  });
});
