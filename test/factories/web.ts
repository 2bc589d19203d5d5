import { Actor } from './index';
import { TestApp } from '../support/test-app';

let seq = 0;

/** A user who logs in through the login form (so the test needs the password, not a token). */
export async function createUserWithPassword(
  t: TestApp,
  admin: Actor,
  role: 'admin' | 'organizer' | 'leader' | 'staff',
  organizationId: string,
): Promise<{ email: string; password: string; fullName: string }> {
  const n = `${Date.now().toString(36)}${++seq}`;
  const user = { email: `${role}-web-${n}@test.local`, password: `password-${n}`, fullName: `Nguyễn Văn ${role} ${n}` };
  const res = await t.http().post('/api/v1/users').set(admin.auth).send({ ...user, role, organizationId });
  if (res.status !== 201) throw new Error(`createUserWithPassword: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}
