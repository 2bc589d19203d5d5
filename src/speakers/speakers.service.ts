import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '../auth/auth-user';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { Page, toPage } from '../http/pagination';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { CreateSpeakerDto, ListSpeakersQueryDto, SpeakerDto, UpdateSpeakerDto } from './dto/speaker.dto';
import { Speaker } from './speaker.entity';
import { SpeakersRepository } from './speakers.repository';

/**
 * The speakers directory. Scope, kept simple: a speaker belongs to the unit
 * of whoever created it (or a unit of their subtree they name). Everyone sees
 * the speakers of their subtree, of their ancestors (a federation's speakers
 * serve its unions) and the global ones (created by an admin without a unit);
 * organizers edit and delete only those owned inside their subtree.
 */
@Injectable()
export class SpeakersService {
  constructor(
    private readonly speakers: SpeakersRepository,
    private readonly scope: OrganizationScopeService,
  ) {}

  /** The speaker if `user` may see (and so use) it; 404 when unknown or invisible. */
  async assertVisible(user: AuthUser, id: string): Promise<Speaker> {
    const speaker = await this.speakers.findById(id);
    const root = this.scope.scopeRoot(user);
    if (!speaker || (root !== null && !(await this.speakers.isVisible(speaker.organizationId, root)))) {
      throw new NotFoundError('Speaker', id);
    }
    return speaker;
  }

  /**
   * The speakers with these ids, all visible to `user`, for an agenda; 404
   * naming the first unknown one.
   */
  async assertAllVisible(user: AuthUser, ids: string[], manager?: EntityManager): Promise<Map<string, Speaker>> {
    const found = new Map((await this.speakers.findByIds(ids, manager)).map((s) => [s.id, s]));
    const root = this.scope.scopeRoot(user);
    for (const id of ids) {
      const s = found.get(id);
      if (!s || (root !== null && !(await this.speakers.isVisible(s.organizationId, root)))) throw new NotFoundError('Speaker', id);
    }
    return found;
  }

  /**
   * For agenda writes: locks the speakers in id order until `manager`'s transaction ends, so that
   * two writers sharing a speaker queue here instead of deadlocking in the overlap constraint's
   * check; 404 for a speaker deleted since it was checked.
   */
  async lockForAgenda(manager: EntityManager, ids: string[]): Promise<void> {
    const found = await this.speakers.lockInIdOrder(manager, ids);
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new NotFoundError('Speaker', missing);
  }

  async list(user: AuthUser, q: ListSpeakersQueryDto): Promise<Page<SpeakerDto>> {
    const [rows, total] = await this.speakers.searchVisible(this.scope.scopeRoot(user), q.q, q.page, q.pageSize);
    return toPage(rows, total, q, SpeakerDto.from);
  }

  async get(user: AuthUser, id: string): Promise<SpeakerDto> {
    return SpeakerDto.from(await this.assertVisible(user, id));
  }

  async create(user: AuthUser, dto: CreateSpeakerDto): Promise<SpeakerDto> {
    const organizationId = dto.organizationId ?? user.organizationId;
    if (organizationId) await this.scope.assertInScope(user, organizationId);
    const speaker = this.speakers.create({
      fullName: dto.fullName,
      honorific: dto.honorific ?? null,
      position: dto.position ?? null,
      affiliation: dto.affiliation ?? null,
      email: dto.email ?? null,
      phone: dto.phone ?? null,
      bio: dto.bio ?? null,
      organizationId: organizationId ?? null,
      createdById: user.id,
    });
    return SpeakerDto.from(await this.speakers.save(speaker));
  }

  async update(user: AuthUser, id: string, dto: UpdateSpeakerDto): Promise<SpeakerDto> {
    if (dto.fullName === null) throw new InvalidInputError('fullName', 'must not be null', { code: 'required' });
    const speaker = await this.assertEditable(user, id);
    if (dto.organizationId !== undefined && dto.organizationId !== null) await this.scope.assertInScope(user, dto.organizationId);
    for (const key of ['fullName', 'honorific', 'position', 'affiliation', 'email', 'phone', 'bio', 'organizationId'] as const) {
      if (dto[key] !== undefined) (speaker as unknown as Record<string, unknown>)[key] = dto[key];
    }
    return SpeakerDto.from(await this.speakers.save(speaker));
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    await this.assertEditable(user, id);
    const sessions = await this.speakers.countSessions(id);
    if (sessions > 0) {
      throw new ConflictError(`the speaker is on the agenda of ${sessions} session(s); remove them from those sessions first`, { sessions }, { code: 'speaker.onAgenda', params: { sessions } });
    }
    await this.speakers.delete(id);
  }

  private async assertEditable(user: AuthUser, id: string): Promise<Speaker> {
    const speaker = await this.assertVisible(user, id);
    if (user.role === 'admin') return speaker;
    if (!speaker.organizationId || !(await this.scope.isInScope(user, speaker.organizationId))) {
      throw new ForbiddenError(`speaker ${id} belongs to another unit's directory; ask its organizers to change it`, {}, { code: 'speaker.otherDirectory' });
    }
    return speaker;
  }
}
