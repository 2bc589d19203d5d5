import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Registration } from '../registrations/registration.entity';

/** An issued certificate of attendance (migrations/1764403000000-Reports.ts): only the code's hash is kept. */
@Entity('certificate')
@Check('chk_certificate_code_hash', 'length(code_hash) = 32')
export class Certificate {
  @ForeignKey(() => Registration, { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  registrationId: string;

  /** SHA-256 of the verification code. */
  @Index('uq_certificate_code_hash', { unique: true })
  @Column({ type: 'bytea' })
  codeHash: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  issuedAt: Date;
}
