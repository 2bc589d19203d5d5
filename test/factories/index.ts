import request from 'supertest';
import { TEST_ADMIN, TestApp } from '../support/test-app';

type Role = 'admin' | 'organizer' | 'leader' | 'staff';
let seq = 0;
const next = () => `${Date.now().toString(36)}${++seq}`;

export interface Actor {
  token: string;
  id: string;
  email: string;
  role: Role;
  organizationId: string | null;
  /** Authorization header for supertest's .set(). */
  auth: { Authorization: string };
}

export async function loginAs(t: TestApp, email: string, password: string): Promise<Actor> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  const u = res.body.user;
  return { token: res.body.accessToken, id: u.id, email: u.email, role: u.role, organizationId: u.organizationId, auth: { Authorization: `Bearer ${res.body.accessToken}` } };
}

export const loginAdmin = (t: TestApp) => loginAs(t, TEST_ADMIN.email, TEST_ADMIN.password);

export async function createOrganization(
  t: TestApp,
  actor: Actor,
  fields: Partial<{ name: string; abbreviation: string; locality: string; shortName: string; nameEn: string; parentId: string }> = {},
): Promise<{ id: string; name: string; path: string[]; parentId: string | null }> {
  const res = await t.http().post('/api/v1/organizations').set(actor.auth).send({ name: `Công đoàn ${next()}`, ...fields });
  if (res.status !== 201) throw new Error(`createOrganization: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates a user with `role` in `organizationId` (as admin) and logs them in. */
export async function createActor(t: TestApp, admin: Actor, role: Role, organizationId: string): Promise<Actor> {
  const email = `${role}-${next()}@test.local`;
  const password = 'password-' + next();
  const res = await t.http().post('/api/v1/users').set(admin.auth).send({ email, password, fullName: `Người dùng ${role}`, role, organizationId });
  if (res.status !== 201) throw new Error(`createActor: ${res.status} ${JSON.stringify(res.body)}`);
  return loginAs(t, email, password);
}

export type Http = ReturnType<typeof request>;
