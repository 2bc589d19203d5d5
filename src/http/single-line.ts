import { ValidateBy, ValidationOptions } from 'class-validator';

/** Names of the two constraints, read by single-line.spec.ts over every DTO. */
export const SINGLE_LINE = 'singleLine';
export const MULTI_LINE = 'multiLine';

// C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// The same, but line breaks and tabs (a textarea sends its newlines as \r\n).
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A one-line text (a name, a title, an e-mail, a phone number): no control characters at all, no
 * line breaks or tabs. Put it below @IsString(), so that a missing field still gets the type's
 * message. The pages' forms go through the same DTOs (src/web/forms.ts validateForm).
 */
export function SingleLine(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: SINGLE_LINE,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !ANY_CONTROL.test(value),
        defaultMessage: (args) => `${args?.property} must be a single line of text, without line breaks, tabs or control characters`,
      },
    },
    options,
  );
}

/** A text of several lines (a description, an article): line breaks (\n, \r) and tabs, no other control characters. */
export function MultiLine(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: MULTI_LINE,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !CONTROL_BUT_LINES.test(value),
        defaultMessage: (args) => `${args?.property} must not contain control characters other than line breaks and tabs`,
      },
    },
    options,
  );
}
