import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MULTI_LINE, MultiLine, SINGLE_LINE, SingleLine } from './single-line';
import { IsString } from 'class-validator';

const SRC = join(__dirname, '..');

/** Every DTO file of the app: `src/<domain>/dto/*.ts` and `src/<domain>/*.dto.ts`. */
function dtoFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dtoFiles(path);
    return (/\.dto\.ts$/.test(name) || (/[\\/]dto$/.test(dir) && name.endsWith('.ts'))) && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Constraints whose own format leaves no room for a control character. */
const FORMAT_GUARDS = new Set(['isemail', 'isuuid', 'isin', 'isenum', 'isiso8601', 'isdatestring', 'isurl', 'isbooleanstring', 'isnumberstring', 'isint', 'isnumber', 'isboolean']);

/** A @Matches pattern that is anchored and names its characters (no `.`, `\\s`, negated classes): no room for a control character. */
const closedPattern = (pattern: unknown): boolean =>
  pattern instanceof RegExp && pattern.source.startsWith('^') && pattern.source.endsWith('$') && !/(^|[^\\])\.|\\[sSWDP]|\[\^/.test(pattern.source);

/**
 * String fields guarded otherwise, with why. The check-in body is the desk's hot path (its
 * acceptAsIs fast check must accept exactly what the decorators do): its code is normalized to a
 * Crockford code, where any other character makes it unknown (404), and its nonce is printable ASCII.
 */
const GUARDED_OTHERWISE: Record<string, string> = {
  'CreateCheckInDto.code': 'normalized to a 10-character Crockford code; anything else is no code',
  'CreateCheckInDto.nonce': '@Matches printable ASCII',
};

interface Field {
  name: string;
  constraints: Set<string>;
  /** Whether a constraint's own format already leaves no room for control characters. */
  formatted: boolean;
}

/** The string fields of every validated class of the DTO files, with the names of their constraints. */
function stringFields(): Field[] {
  const storage = getMetadataStorage();
  const fields: Field[] = [];
  for (const file of dtoFiles()) {
    for (const exported of Object.values(require(file) as Record<string, unknown>)) {
      if (typeof exported !== 'function') continue;
      const metas = storage.getTargetValidationMetadatas(exported as new () => object, '', true, false);
      const byProperty = new Map<string, { names: Set<string>; formatted: boolean }>();
      for (const m of metas) {
        const entry = byProperty.get(m.propertyName) ?? { names: new Set<string>(), formatted: false };
        const name = m.name ?? m.type;
        entry.names.add(name);
        if (FORMAT_GUARDS.has(name.toLowerCase()) || (name === 'matches' && closedPattern(m.constraints?.[0]))) entry.formatted = true;
        byProperty.set(m.propertyName, entry);
      }
      for (const [property, { names, formatted }] of byProperty) {
        const type = Reflect.getMetadata('design:type', (exported as { prototype: object }).prototype, property);
        if (type === String || names.has('isString')) fields.push({ name: `${(exported as { name: string }).name}.${property}`, constraints: names, formatted });
      }
    }
  }
  return fields;
}

describe('single-line and multi-line text in every DTO', () => {
  const fields = stringFields();

  it('finds the DTOs (the sweep is not empty)', () => {
    expect(fields.length).toBeGreaterThan(60);
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['CreateRegistrationDto.fullName', 'CreateEventDto.title', 'CreateEventDto.description', 'CreateOrganizationDto.name']));
  });

  it('guards every string field: @SingleLine(), @MultiLine(), a format without room for control characters, or a stated reason', () => {
    const unguarded = fields.filter((f) => !f.constraints.has(SINGLE_LINE) && !f.constraints.has(MULTI_LINE) && !f.formatted && !GUARDED_OTHERWISE[f.name]);
    expect(unguarded.map((f) => `${f.name} (${[...f.constraints].join(', ')})`)).toEqual([]);
  });

  it('marks the prose fields multi-line and names, titles and the like single-line', () => {
    const of = (name: string) => fields.find((f) => f.name === name)?.constraints;
    for (const multi of ['CreateEventDto.description', 'CreateSpeakerDto.bio']) expect([multi, of(multi)?.has(MULTI_LINE)]).toEqual([multi, true]);
    for (const single of ['CreateRegistrationDto.fullName', 'CreateRegistrationDto.position', 'CreateEventDto.title', 'CreateEventDto.venue', 'CreateOrganizationDto.name', 'CreateSpeakerDto.fullName']) {
      expect([single, of(single)?.has(SINGLE_LINE)]).toEqual([single, true]);
    }
  });
});

describe('@SingleLine and @MultiLine', () => {
  class Sample {
    @IsString()
    @SingleLine()
    name!: string;

    @IsString()
    @MultiLine()
    notes!: string;
  }
  const errorsOf = async (body: Record<string, string>) => (await validate(plainToInstance(Sample, body))).flatMap((e) => Object.values(e.constraints ?? {}));

  it.each(['Nguyễn Văn A\n', 'a\tb', 'a\rb', 'x\u0007', 'x\u001b[31m', 'x\u007f', 'x\u0085', 'x\u2028y', 'x\u2029'])('refuses %j in a single-line field, naming it', async (name) => {
    expect(await errorsOf({ name, notes: '' })).toEqual(['name must be a single line of text, without line breaks, tabs or control characters']);
  });

  it('takes Vietnamese, punctuation and spaces on one line', async () => {
    expect(await errorsOf({ name: 'Đặng Thị Hồng — Chủ tịch CĐ (P. Bến Nghé), “Khoá 3”', notes: '' })).toEqual([]);
  });

  it('lets a multi-line field have line breaks (\\n, \\r\\n) and tabs, and nothing else', async () => {
    expect(await errorsOf({ name: 'a', notes: 'một\r\nhai\n\tba' })).toEqual([]);
    expect(await errorsOf({ name: 'a', notes: 'x\u0000y' })).toEqual(['notes must not contain control characters other than line breaks and tabs']);
    expect(await errorsOf({ name: 'a', notes: 'x\u0008y' })).toEqual(['notes must not contain control characters other than line breaks and tabs']);
  });
});
