import type { TrainingEvent } from '../../events/event.entity';
import { entryState } from './registration-entry';

const NOW = Date.parse('2030-03-01T00:00:00Z');
const event = (fields: Partial<TrainingEvent> = {}): TrainingEvent =>
  ({
    status: 'published',
    registrationMode: 'open',
    registrationOpensAt: null,
    registrationClosesAt: null,
    capacity: 10,
    confirmedCount: 0,
    waitlist: false,
    ...fields,
  }) as TrainingEvent;

describe('entryState: what the public registration form shows', () => {
  it('takes registrations on a published open event with free seats or no limit', () => {
    expect(entryState(event(), NOW)).toBe('open');
    expect(entryState(event({ capacity: null, confirmedCount: 500 }), NOW)).toBe('open');
  });

  it('explains a full event, offering the waiting list when there is one', () => {
    expect(entryState(event({ confirmedCount: 10 }), NOW)).toBe('full');
    expect(entryState(event({ confirmedCount: 10, waitlist: true }), NOW)).toBe('waitlist');
  });

  it('explains the registration window: not yet open, closed at its end', () => {
    expect(entryState(event({ registrationOpensAt: new Date(NOW + 1) }), NOW)).toBe('notYet');
    expect(entryState(event({ registrationOpensAt: new Date(NOW) }), NOW)).toBe('open');
    expect(entryState(event({ registrationClosesAt: new Date(NOW) }), NOW)).toBe('closed');
    expect(entryState(event({ registrationClosesAt: new Date(NOW + 1) }), NOW)).toBe('open');
  });

  it('puts the event status and invite-only before seats and window', () => {
    expect(entryState(event({ registrationMode: 'invite_only', confirmedCount: 10 }), NOW)).toBe('inviteOnly');
    expect(entryState(event({ status: 'cancelled', registrationMode: 'invite_only' }), NOW)).toBe('cancelled');
    expect(entryState(event({ status: 'completed' }), NOW)).toBe('ended');
    expect(entryState(event({ status: 'draft' }), NOW)).toBe('unavailable');
  });
});
