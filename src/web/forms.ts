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
const MESSAGE_KEYS: Record<string, string> = {
  minLength: 'form.required',
  isNotEmpty: 'form.required',
  isDefined: 'form.required',
  maxLength: 'form.tooLong',
};

function toFieldErrors(errors: ValidationError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    // An absent required field fails every rule of its type; "must not be empty" is the one that helps.
    if (e.value === undefined || e.value === null || e.value === '') {
      out[e.property] = [{ key: 'form.required' }];
      continue;
    }
    out[e.property] = Object.entries(e.constraints ?? {}).map(([name, message]) => {
      const key = MESSAGE_KEYS[name] ?? 'form.invalid';
      const max = /(\d+)/.exec(message)?.[1];
      return key === 'form.tooLong' && max ? { key, params: { max: Number(max) } } : { key };
    });
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
