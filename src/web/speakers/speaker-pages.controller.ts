import { Body, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { DomainError } from '../../http/domain-errors';
import { UuidParam } from '../../http/uuid-param';
import { OrganizationsService } from '../../organizations/organizations.service';
import { CreateSpeakerDto, ListSpeakersQueryDto, SpeakerDto, UpdateSpeakerDto } from '../../speakers/dto/speaker.dto';
import { SpeakersService } from '../../speakers/speakers.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { errorText } from '../i18n/error-text';
import { DEFAULT_LOCALE } from '../i18n/i18n';
import { ParentOption, parentOptions } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';

const PAGE_SIZE = 50;
const TEXT_FIELDS = ['fullName', 'honorific', 'position', 'affiliation', 'email', 'phone', 'bio'] as const;
const CREATE_FIELDS: Record<string, EmptyAs> = { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, 'omit'])), organizationId: 'omit' };
const EDIT_FIELDS: Record<string, EmptyAs> = { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, 'null'])), fullName: 'keep', organizationId: 'omit' };

/** View model of speakers/list.eta. */
interface ListView {
  items: (SpeakerDto & { unitName: string })[];
  q: string;
  page: number;
  pages: number;
  total: number;
  canEdit: boolean;
  saved: SpeakerDto | null;
}

/** View model of speakers/form.eta. */
interface FormView {
  mode: 'create' | 'edit';
  action: string;
  values: Record<string, string | null>;
  errors: FieldErrors;
  formError: string | null;
  units: ParentOption[];
  /** Admins may keep a speaker global (no unit). */
  allowGlobal: boolean;
}

const isFormRejection = (e: unknown): e is DomainError => e instanceof DomainError && [400, 403, 409].includes(e.status);

/** The speakers directory: accent-insensitive search (the service's), create and edit. */
@WebController('speakers')
export class SpeakerPagesController {
  constructor(
    private readonly speakers: SpeakersService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  async list(@CurrentUser() user: AuthUser, @Query('q') q: unknown, @Query('page') pageParam: unknown, @Query('saved') saved: unknown, @Res() res: FastifyReply): Promise<void> {
    const search = typeof q === 'string' ? q.trim().slice(0, 200) : '';
    const pageNo = typeof pageParam === 'string' && /^\d{1,6}$/.test(pageParam) && Number(pageParam) > 0 ? Number(pageParam) : 1;
    const page = await this.speakers.list(user, Object.assign(new ListSpeakersQueryDto(), { q: search || undefined, page: pageNo, pageSize: PAGE_SIZE }));
    const names = new Map((await this.organizations.list(user)).map((o) => [o.id, o.name]));
    const view: ListView = {
      items: page.items.map((s) => ({ ...s, unitName: s.organizationId ? (names.get(s.organizationId) ?? '') : '' })),
      q: search,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      total: page.total,
      canEdit: user.role === 'admin' || user.role === 'organizer',
      saved: typeof saved === 'string' ? (page.items.find((s) => s.id === saved) ?? null) : null,
    };
    res.view('speakers/list', view);
  }

  @Get('new')
  @Roles('organizer')
  async newForm(@CurrentUser() user: AuthUser, @Res() res: FastifyReply): Promise<void> {
    res.view('speakers/form', await this.formView(user, 'create', null, { organizationId: user.organizationId ?? '' }, {}, null));
  }

  @Post()
  @Roles('organizer')
  async create(@CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const values = readForm(body, CREATE_FIELDS);
    const { value, errors } = await validateForm(CreateSpeakerDto, values);
    if (errors) return this.renderForm(res, await this.formView(user, 'create', null, values, errors, null), HttpStatus.BAD_REQUEST);
    try {
      const speaker = await this.speakers.create(user, value);
      res.redirect(`/speakers?q=${encodeURIComponent(speaker.fullName)}&saved=${speaker.id}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderForm(res, await this.formView(user, 'create', null, values, {}, errorText(e, req.locale ?? DEFAULT_LOCALE)), e.status);
    }
  }

  @Get(':id/edit')
  @Roles('organizer')
  async editForm(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    const s = await this.speakers.get(user, id);
    const { fullName, honorific, position, affiliation, email, phone, bio, organizationId } = s;
    this.renderForm(res, await this.formView(user, 'edit', id, { fullName, honorific, position, affiliation, email, phone, bio, organizationId }, {}, null));
  }

  @Post(':id')
  @Roles('organizer')
  async update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.speakers.get(user, id);
    const values = readForm(body, EDIT_FIELDS);
    const { value, errors } = await validateForm(UpdateSpeakerDto, values);
    if (errors) return this.renderForm(res, await this.formView(user, 'edit', id, values, errors, null), HttpStatus.BAD_REQUEST);
    try {
      const speaker = await this.speakers.update(user, id, value);
      res.redirect(`/speakers?q=${encodeURIComponent(speaker.fullName)}&saved=${speaker.id}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderForm(res, await this.formView(user, 'edit', id, values, {}, errorText(e, req.locale ?? DEFAULT_LOCALE)), e.status);
    }
  }

  private async formView(user: AuthUser, mode: 'create' | 'edit', id: string | null, values: Record<string, string | null>, errors: FieldErrors, formError: string | null): Promise<FormView> {
    return {
      mode,
      action: id ? `/speakers/${id}` : '/speakers',
      values,
      errors,
      formError,
      units: parentOptions(await this.organizations.list(user)),
      allowGlobal: user.role === 'admin',
    };
  }

  private renderForm(res: FastifyReply, view: FormView, status: number = HttpStatus.OK): void {
    res.status(status).view('speakers/form', view);
  }
}
