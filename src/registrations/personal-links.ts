import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';

/**
 * Stands for the token of the recipient's personal link in a stored mail (`APP_URL/r/%%…%%`);
 * MailSendProcessor puts the current token in at send time, the outbox shows it masked.
 */
export const PERSONAL_LINK_PLACEHOLDER = '%%PERSONAL_LINK_TOKEN%%';
/** What an admin reading a stored mail sees instead of a token. */
export const MASKED_TOKEN = '••••••••';

/**
 * Stands for the token of a password-reset link in a stored mail; it names the reset (its id is no
 * secret: the token is an HMAC of it under the app's key), so the sender can put the token in.
 */
export const resetLinkPlaceholder = (resetId: string) => `%%PASSWORD_RESET_TOKEN:${resetId}%%`;
const RESET_PLACEHOLDER = /%%PASSWORD_RESET_TOKEN:([0-9a-f-]{36})%%/g;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22,100}$/;
const KEY_NAME = 'personal-link';

/**
 * A delegate's personal link (`APP_URL/r/<token>`). The token is derived, never stored: an HMAC
 * of the registration id and its `link_version` under a key only the app holds (from JWT_SECRET
 * when configured, else a random key kept in `app_secret`, so links survive restarts and
 * replicas agree). Only its SHA-256 is stored, for the lookup. So any later mail (reminder,
 * promotion, change notice) can carry the current link, a mail row holds only a placeholder,
 * and revoking one link is bumping its version.
 */
@Injectable()
export class PersonalLinks {
  private key?: Promise<Buffer>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Token, its hash and version for a new registration with id `id`. */
  async issue(id: string): Promise<{ token: string; tokenHash: Buffer; linkVersion: number }> {
    const token = await this.token(id, 1);
    return { token, tokenHash: PersonalLinks.hash(token), linkVersion: 1 };
  }

  async token(registrationId: string, version: number): Promise<string> {
    return createHmac('sha256', await this.secret()).update(`${registrationId}.${version}`).digest('base64url');
  }

  /** The token of password reset `resetId`: derived like personal links (another message), never stored. */
  async resetToken(resetId: string): Promise<string> {
    return createHmac('sha256', await this.secret()).update(`password-reset:${resetId}`).digest('base64url');
  }

  /** `text` with each password-reset placeholder replaced by its token (for the mail being sent). */
  async fillResetTokens(text: string): Promise<string> {
    const ids = [...new Set([...text.matchAll(RESET_PLACEHOLDER)].map((m) => m[1]))];
    const tokens = new Map(await Promise.all(ids.map(async (id) => [id, await this.resetToken(id)] as const)));
    return text.replace(RESET_PLACEHOLDER, (_, id: string) => tokens.get(id)!);
  }

  /** The stored form of a token; null when `token` cannot be one (one answer for wrong and malformed). */
  static lookupHash(token: string): Buffer | null {
    return TOKEN_SHAPE.test(token) ? PersonalLinks.hash(token) : null;
  }

  static hash(token: string): Buffer {
    return createHash('sha256').update(token, 'utf8').digest();
  }

  /**
   * The current token of a registration's link, for a mail being sent now; null when the
   * registration is gone. One from before derived links (version 0) gets its first derived link here.
   */
  async currentToken(registrationId: string): Promise<string | null> {
    const [row]: { linkVersion: number }[] = await this.dataSource.query(`SELECT link_version AS "linkVersion" FROM registration WHERE id = $1`, [registrationId]);
    if (!row) return null;
    if (row.linkVersion > 0) return this.token(registrationId, row.linkVersion);
    const token = await this.token(registrationId, 1);
    const [, updated]: [unknown, number] = await this.dataSource.query(
      `UPDATE registration SET link_version = 1, token_hash = $2 WHERE id = $1 AND link_version = 0`,
      [registrationId, PersonalLinks.hash(token)],
    );
    // Another sender upgraded it at the same moment: read what it wrote.
    return updated ? token : this.currentToken(registrationId);
  }

  /** Revokes the link of a registration (locked by the caller): the next version's token replaces it. */
  async revoke(manager: EntityManager, registrationId: string, version: number): Promise<{ token: string; linkVersion: number }> {
    const linkVersion = version + 1;
    const token = await this.token(registrationId, linkVersion);
    await manager.query(`UPDATE registration SET link_version = $2, token_hash = $3 WHERE id = $1`, [registrationId, linkVersion, PersonalLinks.hash(token)]);
    return { token, linkVersion };
  }

  /** `text` with the placeholder replaced by `token`. */
  static fill(text: string, token: string): string {
    return text.split(PERSONAL_LINK_PLACEHOLDER).join(token);
  }

  /** `text` as an admin may read it: every token placeholder masked. */
  static mask(text: string): string {
    return PersonalLinks.fill(text, MASKED_TOKEN).replace(RESET_PLACEHOLDER, MASKED_TOKEN);
  }

  private secret(): Promise<Buffer> {
    this.key ??= this.loadSecret().catch((err) => {
      this.key = undefined; // the database may be back next time
      throw err;
    });
    return this.key;
  }

  private async loadSecret(): Promise<Buffer> {
    if (this.config.linkSecret) return Buffer.from(hkdfSync('sha256', this.config.linkSecret, '', 'trainingdesk personal link', 32));
    await this.dataSource.query(`INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [KEY_NAME, randomBytes(32)]);
    const [row]: { value: Buffer }[] = await this.dataSource.query(`SELECT value FROM app_secret WHERE name = $1`, [KEY_NAME]);
    return row.value;
  }
}
