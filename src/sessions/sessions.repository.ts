import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import { SessionSpeakerDto } from './dto/session.dto';
import { Session } from './session.entity';
import { SpeakerRole } from './session-speaker.entity';

/** Another session holding a speaker over an overlapping time. */
export interface SpeakerOverlap {
  speakerId: string;
  speakerName: string;
  honorific: string | null;
  sessionId: string;
  sessionTitle: string;
  eventId: string;
  eventTitle: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly repo: Repository<Session>) {}

  findById(id: string, manager?: EntityManager): Promise<Session | null> {
    return (manager ?? this.repo.manager).findOneBy(Session, { id });
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<Session | null> {
    return manager.findOne(Session, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The event's agenda: by time, then explicit position among sessions of one slot. */
  findByEvent(eventId: string): Promise<Session[]> {
    return this.repo.find({ where: { eventId }, order: { startsAt: 'ASC', position: 'ASC', endsAt: 'ASC', createdAt: 'ASC' } });
  }

  /** Speakers of each session, in the order they were given. */
  async speakersOf(sessionIds: string[], manager?: EntityManager): Promise<Map<string, SessionSpeakerDto[]>> {
    const bySession = new Map<string, SessionSpeakerDto[]>(sessionIds.map((id) => [id, []]));
    if (!sessionIds.length) return bySession;
    const rows: (SessionSpeakerDto & { sessionId: string })[] = await (manager ?? this.repo.manager).query(
      `SELECT ss.session_id AS "sessionId", ss.speaker_id AS "speakerId", ss.role, sp.full_name AS "fullName",
              sp.honorific, sp.position, sp.affiliation
         FROM session_speaker ss JOIN speaker sp ON sp.id = ss.speaker_id
        WHERE ss.session_id = ANY($1::uuid[])
        ORDER BY ss.sort_order, sp.full_name COLLATE vi`,
      [sessionIds],
    );
    for (const { sessionId, ...speaker } of rows) bySession.get(sessionId)!.push(speaker);
    return bySession;
  }

  save(session: Session, manager: EntityManager): Promise<Session> {
    return manager.save(Session, session);
  }

  create(fields: Partial<Session>): Session {
    return this.repo.create(fields);
  }

  /**
   * Sets the session's speakers, copying its time range onto each row; the
   * exclusion constraint session_speaker_no_overlap raises 23P01 on a clash.
   */
  async replaceSpeakers(manager: EntityManager, session: Session, speakers: { speakerId: string; role: SpeakerRole }[]): Promise<void> {
    await manager.query('DELETE FROM session_speaker WHERE session_id = $1', [session.id]);
    if (!speakers.length) return;
    await manager.query(
      `INSERT INTO session_speaker (session_id, speaker_id, role, during, sort_order)
       SELECT $1, s.speaker_id, s.role, tstzrange($2, $3, '[)'), s.ord - 1
         FROM unnest($4::uuid[], $5::varchar[]) WITH ORDINALITY AS s(speaker_id, role, ord)`,
      [session.id, session.startsAt, session.endsAt, speakers.map((s) => s.speakerId), speakers.map((s) => s.role)],
    );
  }

  /** Keeps the denormalized ranges equal to the session's times (same transaction as the change). */
  async syncSpeakerRanges(manager: EntityManager, session: Session): Promise<void> {
    await manager.query(`UPDATE session_speaker SET during = tstzrange($2, $3, '[)') WHERE session_id = $1`, [session.id, session.startsAt, session.endsAt]);
  }

  /** The first active session, other than `exceptSessionId`, holding one of `speakerIds` within [startsAt, endsAt). */
  async findOverlap(speakerIds: string[], startsAt: Date, endsAt: Date, exceptSessionId: string | null): Promise<SpeakerOverlap | null> {
    const rows: SpeakerOverlap[] = await this.repo.query(
      `SELECT ss.speaker_id AS "speakerId", sp.full_name AS "speakerName", sp.honorific,
              s.id AS "sessionId", s.title AS "sessionTitle", e.id AS "eventId", e.title AS "eventTitle",
              s.starts_at AS "startsAt", s.ends_at AS "endsAt", e.timezone
         FROM session_speaker ss
         JOIN session s ON s.id = ss.session_id
         JOIN event e ON e.id = s.event_id
         JOIN speaker sp ON sp.id = ss.speaker_id
        WHERE ss.active AND ss.speaker_id = ANY($1::uuid[]) AND ss.during && tstzrange($2, $3, '[)')
          AND ($4::uuid IS NULL OR ss.session_id <> $4::uuid)
        ORDER BY s.starts_at
        LIMIT 1`,
      [speakerIds, startsAt, endsAt, exceptSessionId],
    );
    return rows[0] ?? null;
  }

  /** Session ids of an event among `ids` (for check-ins and reports). */
  async findIdsInEvent(eventId: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    return (await this.repo.find({ select: { id: true }, where: { eventId, id: In(ids) } })).map((s) => s.id);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(Session, { id });
  }

  /** A transaction retried on deadlock / serialization failure (see runInTransaction): `work` may run more than once. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.repo.manager, work);
  }
}
