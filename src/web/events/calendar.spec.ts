import type { EventDto } from '../../events/dto/event.dto';
import { toLocalIso } from '../../events/event-time';
import { buildCalendar, gridRange, parseMonth } from './calendar';
import { reorderPlan } from './event-view';

function event(id: string, startsAt: string, endsAt: string, timezone = 'Asia/Ho_Chi_Minh'): EventDto {
  const s = new Date(startsAt);
  const e = new Date(endsAt);
  return {
    id, title: `Sự kiện ${id}`, titleEn: `Event ${id}`, status: 'draft', timezone,
    startsAt: s.toISOString(), endsAt: e.toISOString(), startsAtLocal: toLocalIso(s, timezone), endsAtLocal: toLocalIso(e, timezone),
  } as EventDto;
}

const daysOf = (cal: ReturnType<typeof buildCalendar>, id: string) => cal.weeks.flat().filter((d) => d.entries.some((x) => x.id === id)).map((d) => d.date);

describe('month calendar', () => {
  it('lays out whole weeks, Monday first, with prev/next months across a year boundary', () => {
    const cal = buildCalendar('2025-12', [], 'vi');
    expect(cal.prev).toBe('2025-11');
    expect(cal.next).toBe('2026-01');
    expect(cal.weeks[0][0].date).toBe('2025-12-01'); // a Monday
    expect(cal.weeks.at(-1)!.at(-1)!.date).toBe('2026-01-04'); // a Sunday
    expect(cal.weeks.every((w) => w.length === 7)).toBe(true);
    expect(cal.weeks.flat().filter((d) => d.inMonth)).toHaveLength(31);
    expect(gridRange('2025-03').first.toISOString().slice(0, 10)).toBe('2025-02-24');
  });

  it('puts an event at 23:30 UTC on the next day in Asia/Ho_Chi_Minh, with its local time', () => {
    const cal = buildCalendar('2025-03', [event('a', '2025-03-09T23:30:00Z', '2025-03-10T03:00:00Z')], 'vi');
    expect(daysOf(cal, 'a')).toEqual(['2025-03-10']);
    expect(cal.weeks.flat().find((d) => d.date === '2025-03-10')!.entries[0].time).toBe('06:30');
  });

  it('reads days in the event\'s own zone and shows a multi-day event on each day, not past a midnight end', () => {
    const ny = event('ny', '2025-03-10T02:00:00Z', '2025-03-10T04:00:00Z', 'America/New_York');
    const long = event('long', '2025-03-11T01:00:00Z', '2025-03-12T17:00:00Z'); // 11th 08:00 to 13th 00:00 local
    const cal = buildCalendar('2025-03', [ny, long], 'en');
    expect(daysOf(cal, 'ny')).toEqual(['2025-03-09']);
    expect(daysOf(cal, 'long')).toEqual(['2025-03-11', '2025-03-12']);
    expect(cal.weeks.flat().find((d) => d.date === '2025-03-12')!.entries[0]).toMatchObject({ title: 'Event long', time: '' });
  });

  it('takes ?month= only when it is YYYY-MM, else the current month in Viet Nam', () => {
    expect(parseMonth('2024-02', new Date())).toBe('2024-02');
    expect(parseMonth('2024-13', new Date('2025-06-30T18:00:00Z'))).toBe('2025-07');
    expect(parseMonth(undefined, new Date('2025-06-30T16:00:00Z'))).toBe('2025-06');
  });
});

describe('agenda reorder plan', () => {
  const at = '2025-03-10T01:00:00.000Z';
  const agenda = [
    { id: 'a', startsAt: at, position: 0 },
    { id: 'b', startsAt: at, position: 0 },
    { id: 'c', startsAt: at, position: 0 },
    { id: 'd', startsAt: '2025-03-10T03:00:00.000Z', position: 0 },
  ];

  it('swaps a session with its neighbour in the same slot, renumbering equal positions', () => {
    expect(reorderPlan(agenda, 'c', 'up')).toEqual([
      { id: 'c', position: 1 },
      { id: 'b', position: 2 },
    ]);
    expect(reorderPlan(agenda, 'a', 'down')).toEqual([
      { id: 'a', position: 1 },
      { id: 'c', position: 2 },
    ]);
  });

  it('does not move across time slots or past the ends', () => {
    expect(reorderPlan(agenda, 'c', 'down')).toEqual([]);
    expect(reorderPlan(agenda, 'a', 'up')).toEqual([]);
    expect(reorderPlan(agenda, 'd', 'up')).toEqual([]);
    expect(reorderPlan(agenda, 'zzz', 'up')).toEqual([]);
  });
});
