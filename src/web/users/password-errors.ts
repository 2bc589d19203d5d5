import { passwordProblem } from '../../auth/password-policy';
import type { FieldErrors } from '../forms';

/** The password field's message: which rule it breaks, in words a person can act on. */
export function passwordErrors(errors: FieldErrors | null, password: unknown, field = 'password'): FieldErrors | null {
  if (!errors?.[field] || typeof password !== 'string' || password === '') return errors;
  const problem = passwordProblem(password);
  const key = problem?.startsWith('is too common') ? 'password.tooCommon' : 'password.tooShort';
  return { ...errors, [field]: [{ key }] };
}
