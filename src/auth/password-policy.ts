import { dictionary } from '@zxcvbn-ts/language-common';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** NIST SP 800-63B: at least 8 characters, checked against a list of known-common passwords, no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

let common: Set<string> | null = null;

/**
 * zxcvbn-ts's list of the ~49,000 most common passwords (from leaked password sets), bundled with
 * the package, plus a few that Vietnamese users pick; only those long enough to pass the length
 * rule are kept. Loaded on first use.
 */
function commonPasswords(): Set<string> {
  if (!common) {
    const local = ['matkhau1', 'matkhau123', 'matkhau@123', 'congdoan', 'congdoan123', 'vietnam1', 'vietnam123', 'trainingdesk', 'anhyeuem', 'iloveyou1'];
    common = new Set([...(dictionary['passwords-common'] as string[]), ...local].filter((p) => p.length >= PASSWORD_MIN_LENGTH).map((p) => p.toLowerCase()));
  }
  return common;
}

/** Whether `password` is on the common list (case-insensitive: `Password1` is as guessable as `password1`). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}

/** Why `password` is refused, as the end of a field message (`<field> <problem>`), or null when it is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (isCommonPassword(password)) return 'is too common (it is on a list of passwords that attackers try first); choose another';
  return null;
}

/** class-validator rule for a new password: length and the common list, one message naming the field. */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name: 'isAcceptablePassword',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => passwordProblem(value) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${passwordProblem(args.value) ?? 'is not acceptable'}`,
      },
    });
  };
}
