import { Actor } from './index';
import { TestApp } from '../support/test-app';

let seq = 0;
const next = () => `${Date.now().toString(36)}${++seq}`;

export interface RegistrationFields {
  fullName: string;
  email: string;
  phone: string;
  position: string;
  organizationId: string;
  role: 'delegate' | 'official' | 'guest' | 'press';
  language: 'vi' | 'en';
}

/** The registration response (with `token` and `link` on creation). */
export type RegistrationBody = Record<string, any> & { id: string; status: string; code: string; token: string; email: string };

/** A unique delegate: `Đại biểu <n>`, `delegate-<n>@test.local`. */
export function delegateFields(overrides: Partial<RegistrationFields> = {}): RegistrationFields {
  const n = next();
  return { fullName: `Đại biểu ${n}`, email: `delegate-${n}@test.local`, role: 'delegate', ...overrides } as RegistrationFields;
}

/** Registers through the API: self-registration without `actor`, an organizer's addition with one. */
export async function register(t: TestApp, eventId: string, overrides: Partial<RegistrationFields> = {}, actor?: Actor): Promise<RegistrationBody> {
  const req = t.http().post(`/api/v1/events/${eventId}/registrations`);
  if (actor) req.set(actor.auth);
  const res = await req.send(delegateFields(overrides));
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Checks in `code` (as staff or organizer); returns the raw response. */
export function checkIn(t: TestApp, actor: Actor, eventId: string, body: Record<string, unknown>) {
  return t.http().post(`/api/v1/events/${eventId}/check-ins`).set(actor.auth).send(body);
}

/** Sets event columns directly (e.g. a capacity or window the API would refuse to set in the past). */
export async function setEventColumns(t: TestApp, eventId: string, columns: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(columns);
  await t.dataSource.query(
    `UPDATE event SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`,
    [eventId, ...keys.map((k) => columns[k])],
  );
}

/** A CSV import body for supertest's attach(). */
export function csvFile(lines: string[], bom = false): Buffer {
  return Buffer.from((bom ? '\ufeff' : '') + lines.join('\n') + '\n', 'utf8');
}
