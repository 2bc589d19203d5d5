import { Check, Column, Entity, Exclusion, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Speaker } from '../speakers/speaker.entity';
import { Session } from './session.entity';

export const SPEAKER_ROLES = ['presenter', 'moderator'] as const;
export type SpeakerRole = (typeof SPEAKER_ROLES)[number];

/**
 * A speaker on a session. The table also holds `during` (the session's
 * tstzrange, written only by SessionsRepository in SQL) under an exclusion
 * constraint that refuses a speaker in two overlapping active sessions.
 */
@Entity('session_speaker')
@Check('session_speaker_role_check', "role IN ('presenter', 'moderator')")
// '[)' ranges: a session ending at 10:00 and one starting at 10:00 do not overlap.
@Exclusion('session_speaker_no_overlap', 'USING gist (speaker_id WITH =, during WITH &&) WHERE (active)')
export class SessionSpeaker {
  @ForeignKey(() => Session, { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @Index('idx_session_speaker_speaker_id')
  @ForeignKey(() => Speaker, { onDelete: 'RESTRICT' })
  @PrimaryColumn({ type: 'uuid' })
  speakerId: string;

  @Column({ type: 'varchar', default: 'presenter' })
  role: SpeakerRole;

  /** False once the event is cancelled: the speaker is free again. */
  @Column({ default: true })
  active: boolean;

  @Column({ type: 'int', default: 0 })
  sortOrder: number;

  /**
   * The session's [starts_at, ends_at) range, copied here for the exclusion constraint.
   * Written only in SQL by SessionsRepository, never through the entity: not selected,
   * inserted or updated by TypeORM.
   */
  @Column({ type: 'tstzrange', select: false, insert: false, update: false })
  during: string;
}
