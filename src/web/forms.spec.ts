import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, Min } from 'class-validator';
import { CreateRegistrationDto } from '../registrations/dto/registration.dto';
import { validateForm } from './forms';

class SeatsForm {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  capacity?: number;

  @IsOptional()
  @IsEmail()
  email?: string;
}

describe('form messages', () => {
  it('gives one message per field, the most telling one (capacity −5: "at least 0", not "not valid" three times)', async () => {
    const { errors } = await validateForm(SeatsForm, { capacity: '-5' });
    expect(errors).toEqual({ capacity: [{ key: 'form.min', params: { min: 0 } }] });
    const { errors: notANumber } = await validateForm(SeatsForm, { capacity: 'abc' });
    expect(notANumber!.capacity).toHaveLength(1);
  });

  it('words a bad e-mail the same in every form', async () => {
    const organizer = await validateForm(SeatsForm, { email: 'not-an-email' });
    const delegate = await validateForm(CreateRegistrationDto, { fullName: 'An', email: 'not-an-email' });
    expect(organizer.errors!.email).toEqual([{ key: 'form.email' }]);
    expect(delegate.errors!.email).toEqual([{ key: 'form.email' }]);
  });
});
