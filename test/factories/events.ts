import { Actor } from './index';
import { TestApp } from '../support/test-app';

let seq = 0;
const next = () => `${Date.now().toString(36)}${++seq}`;

/** An ISO time `days` days (and `hours` hours) from now, in UTC. */
export const inDays = (days: number, hours = 0) => new Date(Date.now() + days * 86_400_000 + hours * 3_600_000).toISOString();

export interface EventFields {
  title: string;
  titleEn: string;
  kind: 'training' | 'workshop' | 'seminar' | 'conference';
  organizationId: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: number | null;
  registrationMode: 'open' | 'invite_only';
  registrationOpensAt: string;
  registrationClosesAt: string;
  waitlist: boolean;
  reminderHoursBefore: number;
  description: string;
  descriptionEn: string;
  audience: string;
  audienceEn: string;
}

/** The event response of the API (times in UTC `Z`, plus local strings). */
export type EventBody = Record<string, any> & { id: string; slug: string; status: string; organizationId: string; startsAt: string; endsAt: string };

/**
 * A draft event of `actor`'s unit (or `overrides.organizationId`), starting in
 * 7 days for 8 hours, open registration, capacity 100.
 */
export async function createEvent(t: TestApp, actor: Actor, overrides: Partial<EventFields> = {}): Promise<EventBody> {
  const body = {
    title: `Tập huấn kỹ năng công đoàn ${next()}`,
    kind: 'training',
    organizationId: actor.organizationId,
    venue: 'Hội trường LĐLĐ tỉnh',
    startsAt: inDays(7),
    endsAt: inDays(7, 8),
    capacity: 100,
    registrationMode: 'open',
    ...overrides,
  };
  const res = await t.http().post('/api/v1/events').set(actor.auth).send(body);
  if (res.status !== 201) throw new Error(`createEvent: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Moves a draft event to published. */
export async function publishEvent(t: TestApp, actor: Actor, eventId: string): Promise<EventBody> {
  const res = await t.http().post(`/api/v1/events/${eventId}/publish`).set(actor.auth);
  if (res.status !== 200) throw new Error(`publishEvent: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A published event (createEvent + publishEvent). */
export async function createPublishedEvent(t: TestApp, actor: Actor, overrides: Partial<EventFields> = {}): Promise<EventBody> {
  const e = await createEvent(t, actor, overrides);
  return publishEvent(t, actor, e.id);
}

export interface SpeakerFields {
  fullName: string;
  honorific: string;
  position: string;
  affiliation: string;
  email: string;
  phone: string;
  bio: string;
}

export async function createSpeaker(t: TestApp, actor: Actor, overrides: Partial<SpeakerFields> = {}): Promise<Record<string, any> & { id: string; fullName: string }> {
  const res = await t.http().post('/api/v1/speakers').set(actor.auth).send({ fullName: `Nguyễn Văn ${next()}`, honorific: 'đồng chí', ...overrides });
  if (res.status !== 201) throw new Error(`createSpeaker: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface SessionFields {
  title: string;
  topic: string;
  description: string;
  room: string;
  startsAt: string;
  endsAt: string;
  position: number;
  speakers: { speakerId: string; role?: 'presenter' | 'moderator' }[];
}

/** A session of `event`: by default its first hour, without speakers. */
export async function createSession(
  t: TestApp,
  actor: Actor,
  event: { id: string; startsAt: string },
  overrides: Partial<SessionFields> = {},
): Promise<Record<string, any> & { id: string }> {
  const start = new Date(event.startsAt).getTime();
  const body = {
    title: `Phiên ${next()}`,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 3_600_000).toISOString(),
    speakers: [],
    ...overrides,
  };
  const res = await t.http().post(`/api/v1/events/${event.id}/sessions`).set(actor.auth).send(body);
  if (res.status !== 201) throw new Error(`createSession: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
