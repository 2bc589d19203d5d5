import { isValidTimeZone, parseEventTime, toLocalIso } from './event-time';
import { slugify, uniqueSlug } from './slug';

describe('event times', () => {
  it('reads an offset time exactly and shows it in Ho Chi Minh time', () => {
    const d = parseEventTime('2025-03-10T08:00:00+07:00', 'Europe/Paris')!;
    expect(d.toISOString()).toBe('2025-03-10T01:00:00.000Z');
    expect(toLocalIso(d, 'Asia/Ho_Chi_Minh')).toBe('2025-03-10T08:00:00+07:00');
  });

  it('reads a wall time without offset in the given zone, across Paris DST', () => {
    expect(parseEventTime('2025-01-15T09:30', 'Europe/Paris')!.toISOString()).toBe('2025-01-15T08:30:00.000Z');
    expect(parseEventTime('2025-07-15T09:30:00', 'Europe/Paris')!.toISOString()).toBe('2025-07-15T07:30:00.000Z');
    expect(toLocalIso(new Date('2025-07-15T07:30:00Z'), 'Europe/Paris')).toBe('2025-07-15T09:30:00+02:00');
  });

  it('refuses impossible dates and accepts only IANA zones', () => {
    expect(parseEventTime('2025-02-30T10:00', 'UTC')).toBeNull();
    expect(parseEventTime('2025-02-30T08:00:00+07:00', 'UTC')).toBeNull();
    expect(parseEventTime('2025-13-45T99:00:00+07:00', 'UTC')).toBeNull();
    expect(parseEventTime('2025-03-10T24:00:00Z', 'UTC')).toBeNull();
    expect(parseEventTime('2024-02-29T08:00:00+07:00', 'UTC')!.toISOString()).toBe('2024-02-29T01:00:00.000Z');
    expect(parseEventTime('tomorrow', 'UTC')).toBeNull();
    expect(parseEventTime('2025-01-01T00:00:00+99:99', 'UTC')).toBeNull();
    expect(parseEventTime('2025-01-01T00:00:00+15:00', 'UTC')).toBeNull();
    expect(parseEventTime('2025-01-01T00:00:00+05:45', 'UTC')!.toISOString()).toBe('2024-12-31T18:15:00.000Z');
    expect(isValidTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('event times across a DST change (luxon)', () => {
  it('moves a wall time in the spring gap forward and takes the earlier of a repeated autumn hour', () => {
    expect(parseEventTime('2025-03-30T02:30', 'Europe/Paris')!.toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(parseEventTime('2025-10-26T02:30', 'Europe/Paris')!.toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });
});

describe('slugs', () => {
  it('folds Vietnamese letters, including Đ, to ASCII', () => {
    expect(slugify('Tập huấn Đoàn viên: Kỹ năng Đàm phán!')).toBe('tap-huan-doan-vien-ky-nang-dam-phan');
  });

  it('adds a random suffix', () => {
    expect(uniqueSlug('Hội nghị')).toMatch(/^hoi-nghi-[0-9a-z]{6}$/);
    expect(uniqueSlug('x')).not.toBe(uniqueSlug('x'));
  });
});
