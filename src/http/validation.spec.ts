import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
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
