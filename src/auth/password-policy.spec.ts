import { isCommonPassword, passwordProblem } from './password-policy';

describe('password policy', () => {
  it('refuses passwords from the common list, whatever their case', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('12345678')).toBe(true);
    expect(isCommonPassword('PassWord1')).toBe(true);
    expect(passwordProblem('iloveyou')).toMatch(/too common/);
  });

  it('refuses short passwords and accepts a long uncommon one', () => {
    expect(passwordProblem('a1b2c3')).toBe('must be at least 8 characters');
    expect(passwordProblem('x'.repeat(201))).toBe('must be at most 200 characters');
    expect(passwordProblem('ngựa-vằn-ăn-cỏ-42')).toBeNull();
    expect(passwordProblem('admin-password-1')).toBeNull();
  });
});
