import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** A field message to translate in the view: `it.t(e.key, e.params)`. */
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError[]>;

/** How an empty input is read: left out (create), null (clears an optional field on edit), or kept as ''. */
export type EmptyAs = 'omit' | 'null' | 'keep';

/**
 * Reads the named text fields of a urlencoded form body (trimmed strings;
 * everything else in the body is ignored), mapping empty inputs per field.
 */
export function readForm(body: Record<string, unknown>, fields: Record<string, EmptyAs>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, emptyAs] of Object.entries(fields)) {
    const raw = body[name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value !== '') out[name] = value;
    else if (emptyAs === 'null') out[name] = null;
    else if (emptyAs === 'keep') out[name] = '';
  }
  return out;
}

// class-validator constraint → i18n key of a field message that a person can act on.
// The same rule has the same words in every form (the public form and the organizer's alike).
const MESSAGE_KEYS: Record<string, string> = {
  minLength: 'form.required',
  isNotEmpty: 'form.required',
  isDefined: 'form.required',
  maxLength: 'form.tooLong',
  isEmail: 'form.email',
  min: 'form.min',
  isPositive: 'form.min',
  isInt: 'form.integer',
  isUuid: 'form.choose',
  isIn: 'form.choose',
  isEnum: 'form.choose',
  matches: 'form.invalid',
};
/** When several rules fail at once, the one that says most (e.g. "at least 0" rather than "not valid" three times). */
const PRIORITY = ['form.required', 'form.tooLong', 'form.email', 'form.integer', 'form.min', 'form.choose', 'form.invalid'];

function toFieldErrors(errors: ValidationError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    // An absent required field fails every rule of its type; "must not be empty" is the one that helps.
    if (e.value === undefined || e.value === null || e.value === '') {
      out[e.property] = [{ key: 'form.required' }];
      continue;
    }
    // One message per field: the most telling of the rules that failed.
    const all = Object.entries(e.constraints ?? {}).map(([name, message]): FieldError => {
      const key = MESSAGE_KEYS[name] ?? 'form.invalid';
      const n = /(-?\d+)/.exec(message)?.[1];
      if (key === 'form.tooLong' && n) return { key, params: { max: Number(n) } };
      if (key === 'form.min') return { key, params: { min: name === 'isPositive' ? 1 : Number(n ?? 0) } };
      return { key };
    });
    all.sort((a, b) => PRIORITY.indexOf(a.key) - PRIORITY.indexOf(b.key));
    out[e.property] = all.slice(0, 1);
  }
  return out;
}

/**
 * Validates a form with the same DTO class as the API (same rules, same
 * transforms), returning field errors for the page instead of throwing.
 */
export async function validateForm<T extends object>(dto: new () => T, values: Record<string, unknown>): Promise<{ value: T; errors: FieldErrors | null }> {
  const value = plainToInstance(dto, values);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  return { value, errors: errors.length ? toFieldErrors(errors) : null };
}
