import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { MASKED_TOKEN, PERSONAL_LINK_PLACEHOLDER, PersonalLinks, resetLinkPlaceholder } from './personal-links';

const noDatabase = {} as DataSource;
const links = (secret: string) => new PersonalLinks(loadConfig({ JWT_SECRET: secret, APP_URL: 'https://td.example.org' }), noDatabase);

describe('personal links', () => {
  it('are derived: the same registration and version give the same token, under the same key only', async () => {
    const id = randomUUID();
    const a = links('a'.repeat(32));
    expect(await a.token(id, 1)).toBe(await links('a'.repeat(32)).token(id, 1));
    expect(await a.token(id, 1)).not.toBe(await links('b'.repeat(32)).token(id, 1));
    expect(await a.token(id, 1)).not.toBe(await a.token(randomUUID(), 1));
  });

  it('change with the version, so revoking one link (version + 1) leaves a token the old one cannot be', async () => {
    const id = randomUUID();
    const a = links('a'.repeat(32));
    const first = await a.issue(id);
    expect(first.linkVersion).toBe(1);
    expect(await a.token(id, 2)).not.toBe(first.token);
  });

  it('carry 256 bits in base64url, stored only as their SHA-256', async () => {
    const { token, tokenHash } = await links('a'.repeat(32)).issue(randomUUID());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).toHaveLength(32);
    expect(tokenHash.equals(PersonalLinks.hash(token))).toBe(true);
    expect(tokenHash.toString('base64url')).not.toBe(token);
  });

  it('look up only what can be a token', () => {
    expect(PersonalLinks.lookupHash('short')).toBeNull();
    expect(PersonalLinks.lookupHash('x'.repeat(43) + '/')).toBeNull();
    expect(PersonalLinks.lookupHash('x'.repeat(43))).toHaveLength(32);
  });

  it('stand in stored mails as a placeholder that sending fills and the outbox masks', () => {
    const stored = `<a href="https://td.example.org/r/${PERSONAL_LINK_PLACEHOLDER}">x</a> https://td.example.org/r/${PERSONAL_LINK_PLACEHOLDER}`;
    expect(PersonalLinks.fill(stored, 'TOKEN')).toBe('<a href="https://td.example.org/r/TOKEN">x</a> https://td.example.org/r/TOKEN');
    expect(PersonalLinks.fill(stored, MASKED_TOKEN)).not.toContain(PERSONAL_LINK_PLACEHOLDER);
  });

  it('password-reset links too: derived from the reset id apart from personal links, filled when sent, masked in the outbox', async () => {
    const a = links('a'.repeat(32));
    const id = randomUUID();
    const token = await a.resetToken(id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(await a.token(id, 1));
    expect(token).not.toBe(await links('b'.repeat(32)).resetToken(id));
    const stored = `https://td.example.org/password-reset/${resetLinkPlaceholder(id)} and /r/${PERSONAL_LINK_PLACEHOLDER}`;
    expect(await a.fillResetTokens(stored)).toBe(`https://td.example.org/password-reset/${token} and /r/${PERSONAL_LINK_PLACEHOLDER}`);
    expect(PersonalLinks.mask(stored)).toBe(`https://td.example.org/password-reset/${MASKED_TOKEN} and /r/${MASKED_TOKEN}`);
  });
});
