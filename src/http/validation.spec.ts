import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation';

class SpeakerRefDto {
  @IsIn(['presenter', 'moderator'], { message: 'role must be presenter or moderator' })
  role: string;
}

class SampleDto {
  @IsString()
  @MinLength(1)
  @MaxLength(5)
  name: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => SpeakerRefDto)
  speakers?: SpeakerRefDto[];
}

const body = (v: unknown) => createValidationPipe().transform(v, { type: 'body', metatype: SampleDto } as ArgumentMetadata);

async function messages(v: unknown): Promise<unknown> {
  try {
    await body(v);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return ((err as BadRequestException).getResponse() as { message: unknown }).message;
  }
  throw new Error('expected a 400');
}

describe('validation pipe', () => {
  it('gives one message per missing field: the type check of the topmost decorator', async () => {
    expect(await messages({})).toEqual(['name must be a string']);
  });

  it('names the failing constraint when the type is right', async () => {
    expect(await messages({ name: 'much too long' })).toEqual(['name must be shorter than or equal to 5 characters']);
  });

  it('names unknown fields', async () => {
    expect(await messages({ name: 'ok', isAdmin: true })).toEqual(['isAdmin is not an allowed field']);
  });

  it('prefixes nested fields with their path', async () => {
    expect(await messages({ name: 'ok', speakers: [{ role: 'presenter' }, { role: 'boss' }] })).toEqual([
      'speakers[1].role must be presenter or moderator',
    ]);
  });

  it('refuses an array where an object is expected', async () => {
    expect(await messages([{ name: 'ok' }])).toEqual(['body must be a JSON object']);
  });

  it('returns a class instance with the valid input', async () => {
    await expect(body({ name: 'ok' })).resolves.toBeInstanceOf(SampleDto);
  });
});

describe('memoized class-validator rules', () => {
  class BaseDto {
    @IsString()
    base: string;
  }
  class ChildDto extends BaseDto {
    @IsString()
    own: string;
  }
  const pipe = (metatype: unknown) => (v: unknown) => createValidationPipe().transform(v, { type: 'body', metatype } as ArgumentMetadata);

  it('keeps inherited rules, and the same answer on the second lookup', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(pipe(ChildDto)({ base: 'a', own: 'b' })).resolves.toMatchObject({ base: 'a', own: 'b' });
      await expect(pipe(ChildDto)({ own: 'b' })).rejects.toMatchObject({ response: { message: ['base must be a string'] } });
      await expect(pipe(ChildDto)({ base: 'a', own: 'b', extra: 1 })).rejects.toMatchObject({ response: { message: ['extra is not an allowed field'] } });
    }
  });

  it('sees a rule added after the first lookup', async () => {
    class LateDto {
      @IsString()
      first: string;
      second?: string;
    }
    await expect(pipe(LateDto)({ first: 'a', second: 'b' })).rejects.toBeInstanceOf(BadRequestException);
    IsString()(LateDto.prototype, 'second');
    await expect(pipe(LateDto)({ first: 'a', second: 'b' })).resolves.toMatchObject({ first: 'a', second: 'b' });
  });
});

describe('memoized class-transformer rules', () => {
  const pipe = (metatype: unknown) => (v: unknown) => createValidationPipe().transform(v, { type: 'body', metatype } as ArgumentMetadata);

  it('builds nested classes from @Type the same way every time, inherited rules included', async () => {
    class WithSpeakers {
      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => SpeakerRefDto)
      speakers?: SpeakerRefDto[];
    }
    class Derived extends WithSpeakers {
      @IsString()
      title: string;
    }
    for (let i = 0; i < 2; i++) {
      const out = (await pipe(Derived)({ title: 't', speakers: [{ role: 'moderator' }] })) as Derived;
      expect(out).toBeInstanceOf(Derived);
      expect(out.speakers![0]).toBeInstanceOf(SpeakerRefDto);
      await expect(pipe(Derived)({ title: 't', speakers: [{ role: 'x' }] })).rejects.toMatchObject({ response: { message: ['speakers[0].role must be presenter or moderator'] } });
    }
  });

  it('sees a transform rule added after the first transform', async () => {
    class Later {
      @IsString()
      name: string;
    }
    expect(await pipe(Later)({ name: ' a ' })).toMatchObject({ name: ' a ' });
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))(Later.prototype, 'name');
    expect(await pipe(Later)({ name: ' a ' })).toMatchObject({ name: 'a' });
  });
});
