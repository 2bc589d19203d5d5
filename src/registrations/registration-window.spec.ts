import { entryState, RegistrationWindow } from './registration-window';

const NOW = Date.parse('2030-03-01T00:00:00Z');
const event = (fields: Partial<RegistrationWindow> = {}): RegistrationWindow =>
  ({
    status: 'published',
    registrationMode: 'open',
    registrationOpensAt: null,
    registrationClosesAt: null,
    capacity: 10,
    confirmedCount: 0,
    waitlist: false,
    ...fields,
  }) as RegistrationWindow;

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

  it('reads the DTO form of the window (ISO strings) as the entity form (Dates), with the same bounds', () => {
    const opens = new Date(NOW).toISOString();
    expect(entryState(event({ registrationOpensAt: opens }), NOW)).toBe('open');
    expect(entryState(event({ registrationOpensAt: opens }), NOW - 1)).toBe('notYet');
    expect(entryState(event({ registrationClosesAt: opens }), NOW)).toBe('closed');
    expect(entryState(event({ registrationClosesAt: opens }), NOW - 1)).toBe('open');
  });
});
