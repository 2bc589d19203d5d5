import type { EventStatus, RegistrationMode } from '../events/event.entity';

/**
 * Whether a delegate can register on their own right now, and if not why: `open` and `waitlist`
 * (full, but with a waiting list) take registrations; the rest explain. The one statement of the
 * rule "registration is open": RegistrationsService enforces it, the pages show it.
 */
export type EntryState = 'open' | 'waitlist' | 'full' | 'notYet' | 'closed' | 'inviteOnly' | 'ended' | 'cancelled' | 'unavailable';

/** What the rule reads of an event: the entity (Dates) or its DTO (ISO strings). */
export interface RegistrationWindow {
  status: EventStatus;
  registrationMode: RegistrationMode;
  registrationOpensAt: Date | string | null;
  registrationClosesAt: Date | string | null;
  capacity: number | null;
  confirmedCount: number;
  waitlist: boolean;
}

const time = (d: Date | string) => (typeof d === 'string' ? Date.parse(d) : d.getTime());

/** The window is half-open: open from `registrationOpensAt` (included) until `registrationClosesAt` (excluded). */
export function entryState(e: RegistrationWindow, now = Date.now()): EntryState {
  if (e.status === 'cancelled') return 'cancelled';
  if (e.status === 'completed') return 'ended';
  if (e.status !== 'published') return 'unavailable';
  if (e.registrationMode !== 'open') return 'inviteOnly';
  if (e.registrationOpensAt && now < time(e.registrationOpensAt)) return 'notYet';
  if (e.registrationClosesAt && now >= time(e.registrationClosesAt)) return 'closed';
  if (e.capacity !== null && e.confirmedCount >= e.capacity) return e.waitlist ? 'waitlist' : 'full';
  return 'open';
}
