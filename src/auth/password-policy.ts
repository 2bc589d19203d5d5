import type * as ZxcvbnCommon from '@zxcvbn-ts/language-common';
import { IsString, MaxLength, MinLength, registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** NIST SP 800-63B: at least 8 characters, checked against a list of known-common passwords, no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

let common: Set<string> | null = null;

/**
 * zxcvbn-ts's list of the ~49,000 most common passwords (from leaked password sets), bundled with
 * the package, plus a few that Vietnamese users pick; only those long enough to pass the length
 * rule are kept. Loaded on first use, module included: the package's dictionaries are megabytes that
 * an API process which never sees a password (a check-in replica) should not hold.
 */
function commonPasswords(): Set<string> {
  if (!common) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof ZxcvbnCommon;
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

/** The common-list rule alone (length and type are the standard validators, so the OpenAPI schema states them). */
function IsNotCommonPassword(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name: 'isNotCommonPassword',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !isCommonPassword(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} is too common (it is on a list of passwords that attackers try first); choose another`,
      },
    });
  };
}

/**
 * class-validator rules for a new password: a string of 8 to 200 characters, not on the common
 * list; one message naming the field (the type check is applied last, so it is the one reported
 * for a missing or non-string value, see src/http/validation.ts).
 */
export function IsAcceptablePassword(): PropertyDecorator {
  return (object, propertyName) => {
    const name = String(propertyName);
    IsNotCommonPassword()(object, propertyName);
    MaxLength(PASSWORD_MAX_LENGTH, { message: `${name} must be at most ${PASSWORD_MAX_LENGTH} characters` })(object, propertyName);
    MinLength(PASSWORD_MIN_LENGTH, { message: `${name} must be at least ${PASSWORD_MIN_LENGTH} characters` })(object, propertyName);
    IsString({ message: `${name} must be a string` })(object, propertyName);
  };
}
