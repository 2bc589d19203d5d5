import { Body, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { PasswordResetService } from '../../auth/password-reset.service';
import { DomainError } from '../../http/domain-errors';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { UuidParam } from '../../http/uuid-param';
import { OrganizationsService } from '../../organizations/organizations.service';
import { CreateUserDto, ListUsersQueryDto, ManagedUserDto, UpdateUserDto } from '../../users/dto/user.dto';
import { UsersService } from '../../users/users.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { parentOptions, ParentOption } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';
import { passwordErrors } from './password-errors';

/** View model of users/list.eta. */
interface ListView {
  items: (ManagedUserDto & { unitName: string | null })[];
  total: number;
  page: number;
  pages: number;
  filters: { q: string; role: string; organizationId: string; active: string };
  query: string;
  roles: string[];
  units: ParentOption[];
  /** i18n key and name of the status line after an action. */
  notice: { key: string; name: string } | null;
  canCreate: boolean;
}

/** View model of users/form.eta. */
interface FormView {
  mode: 'create' | 'edit';
  action: string;
  values: Record<string, string | null>;
  errors: FieldErrors;
  formError: string | null;
  roles: string[];
  units: ParentOption[];
  /** On edit: the account and what the viewer may do with it. */
  user: ManagedUserDto | null;
  isAdmin: boolean;
}

const CREATE_FIELDS: Record<string, EmptyAs> = { email: 'omit', password: 'omit', fullName: 'keep', role: 'omit', organizationId: 'omit' };
const EDIT_FIELDS: Record<string, EmptyAs> = { fullName: 'keep', role: 'omit', organizationId: 'omit' };
const NOTICES = ['created', 'saved', 'deactivated', 'reactivated', 'signedOut', 'resetSent'];
const PAGE_SIZE = 50;

const isFormRejection = (e: unknown): e is DomainError => e instanceof DomainError && [400, 403, 409].includes(e.status);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The user management pages (admin, and an organizer for the leaders and staff of their
 * subtree): list with search and filters, create, edit, deactivate and reactivate; for an admin
 * also "sign out everywhere" and "send a reset link". Every rule is UsersService's.
 */
@WebController('users')
@Roles('organizer')
export class UserPagesController {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly resets: PasswordResetService,
  ) {}

  @Get()
  async list(@CurrentUser() actor: AuthUser, @Query() raw: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const filters = { q: str(raw.q).trim(), role: str(raw.role), organizationId: str(raw.organizationId), active: str(raw.active) };
    const q = plainToInstance(ListUsersQueryDto, {
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')),
      page: str(raw.page) || '1',
      pageSize: String(PAGE_SIZE),
    });
    // A hand-edited query string: ignore what is invalid rather than show an error page.
    for (const e of await validate(q)) (q as unknown as Record<string, unknown>)[e.property] = e.property === 'page' ? 1 : undefined;
    const orgs = await this.organizations.list(actor);
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    const page = await this.users.list(actor, q);
    const notice = NOTICES.includes(str(raw.notice)) ? { key: `users.${str(raw.notice)}`, name: str(raw.name).slice(0, 200) } : null;
    const view: ListView = {
      items: page.items.map((u) => ({ ...u, unitName: u.organizationId ? (names.get(u.organizationId) ?? null) : null })),
      total: page.total,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      filters,
      query: new URLSearchParams(filters).toString(),
      roles: ['admin', 'organizer', 'leader', 'staff'],
      units: parentOptions(orgs),
      notice,
      canCreate: true,
    };
    res.view('users/list', view);
  }

  @Get('new')
  async newForm(@CurrentUser() actor: AuthUser, @Res() res: FastifyReply): Promise<void> {
    const units = await this.units(actor);
    this.render(res, { mode: 'create', action: '/users', values: { role: 'staff', organizationId: units[0]?.id ?? '' }, errors: {}, formError: null, roles: this.users.grantableRoles(actor), units, user: null, isAdmin: actor.role === 'admin' });
  }

  @Post()
  async create(@CurrentUser() actor: AuthUser, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const values = readForm(body, CREATE_FIELDS);
    // The password is not trimmed: spaces are part of it.
    if (typeof body.password === 'string' && body.password !== '') values.password = body.password;
    const checked = await validateForm(CreateUserDto, values);
    const errors = passwordErrors(checked.errors, values.password);
    const view = async (errs: FieldErrors, formError: string | null): Promise<FormView> => ({
      mode: 'create', action: '/users', values: { ...values, password: '' }, errors: errs, formError, roles: this.users.grantableRoles(actor), units: await this.units(actor), user: null, isAdmin: actor.role === 'admin',
    });
    if (errors) return this.render(res, await view(errors, null), HttpStatus.BAD_REQUEST);
    try {
      const user = await this.users.create(actor, checked.value);
      res.redirect(`/users?notice=created&name=${encodeURIComponent(user.fullName)}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.render(res, await view({}, e.message), e.status);
    }
  }

  @Get(':id/edit')
  async editForm(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    const user = await this.users.getVisible(actor, id);
    this.render(res, await this.editView(actor, user, { fullName: user.fullName, role: user.role, organizationId: user.organizationId }, {}, null));
  }

  @Post(':id')
  async update(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const user = await this.users.getVisible(actor, id);
    const values = readForm(body, EDIT_FIELDS);
    const { value, errors } = await validateForm(UpdateUserDto, values);
    if (errors) return this.render(res, await this.editView(actor, user, values, errors, null), HttpStatus.BAD_REQUEST);
    try {
      const saved = await this.users.update(actor, id, value);
      res.redirect(`/users?notice=saved&name=${encodeURIComponent(saved.fullName)}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.render(res, await this.editView(actor, user, values, {}, e.message), e.status);
    }
  }

  @Post(':id/deactivate')
  deactivate(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    return this.act(actor, id, res, 'deactivated', (u) => this.users.update(actor, u.id, { active: false }));
  }

  @Post(':id/reactivate')
  reactivate(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    return this.act(actor, id, res, 'reactivated', (u) => this.users.update(actor, u.id, { active: true }));
  }

  @Post(':id/sign-out-everywhere')
  @Roles('admin')
  signOut(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    return this.act(actor, id, res, 'signedOut', (u) => this.users.signOutEverywhere(actor, u.id));
  }

  @Post(':id/password-reset')
  @Roles('admin')
  sendReset(@CurrentUser() actor: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.act(actor, id, res, 'resetSent', (u) => this.resets.sendByAdmin({ id: actor.id, email: actor.email }, u.id, req.locale === 'en' ? 'en' : 'vi'));
  }

  /** One button's action; a refusal (last admin, scope) is shown on the edit page. */
  private async act(actor: AuthUser, id: string, res: FastifyReply, notice: string, work: (u: ManagedUserDto) => Promise<unknown>): Promise<void> {
    const user = await this.users.getVisible(actor, id);
    try {
      await work(user);
      // Signing yourself out everywhere ends this session too: the next page is the login.
      res.redirect(`/users?notice=${notice}&name=${encodeURIComponent(user.fullName)}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.render(res, await this.editView(actor, user, { fullName: user.fullName, role: user.role, organizationId: user.organizationId }, {}, e.message), e.status);
    }
  }

  private async editView(actor: AuthUser, user: ManagedUserDto, values: Record<string, string | null>, errors: FieldErrors, formError: string | null): Promise<FormView> {
    const roles = this.users.grantableRoles(actor);
    return { mode: 'edit', action: `/users/${user.id}`, values, errors, formError, roles: roles.includes(user.role) ? roles : [user.role, ...roles], units: await this.units(actor), user, isAdmin: actor.role === 'admin' };
  }

  private async units(actor: AuthUser): Promise<ParentOption[]> {
    return parentOptions(await this.organizations.list(actor));
  }

  private render(res: FastifyReply, view: FormView, status: number = HttpStatus.OK): void {
    res.status(status).view('users/form', view);
  }
}
