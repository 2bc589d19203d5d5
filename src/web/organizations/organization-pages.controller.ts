import { Body, Get, HttpStatus, Post, Query, Render, Res } from '@nestjs/common';
import type { FastifyReply } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { DomainError } from '../../http/domain-errors';
import { UuidParam } from '../../http/uuid-param';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from '../../organizations/dto/organization.dto';
import { OrganizationsService } from '../../organizations/organizations.service';
import { EmptyAs, FieldErrors, readForm, validateForm } from '../forms';
import { errorText } from '../i18n/error-text';
import { isLocale, Locale } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { buildTree, OrganizationNode, ParentOption, parentOptions } from './organization-tree';

/** The page language the page hook put on the reply. */
const pageLocale = (res: FastifyReply): Locale => (isLocale(res.locals?.locale) ? res.locals.locale : 'vi');

/** View model of organizations/tree.eta. */
interface TreeView {
  tree: OrganizationNode[];
  canEdit: boolean;
  /** The unit just created or saved, for the status line. */
  saved: OrganizationDto | null;
}

/** View model of organizations/form.eta. */
interface FormView {
  mode: 'create' | 'edit';
  action: string;
  values: Record<string, string | null>;
  errors: FieldErrors;
  /** A rule of the service that refused the whole form (scope, cycle), shown above it. */
  formError: string | null;
  parents: ParentOption[];
  /** Whether "no parent" (a top-level unit) may be chosen. */
  allowTopLevel: boolean;
}

const TEXT_FIELDS = ['name', 'abbreviation', 'locality', 'shortName', 'nameEn'] as const;
// Creating: empty inputs are simply absent. Editing: an emptied optional field is cleared,
// an emptied name is kept so that validation names it, and the parent is only changed when chosen.
const CREATE_FIELDS: Record<string, EmptyAs> = { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, 'omit'])), parentId: 'omit' };
const EDIT_FIELDS: Record<string, EmptyAs> = { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, 'null'])), name: 'keep', parentId: 'omit' };

/** Service refusals a person can fix on the form (not 404s, which are an error page). */
const isFormRejection = (e: unknown): e is DomainError => e instanceof DomainError && [400, 403, 409].includes(e.status);

@WebController('organizations')
export class OrganizationPagesController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Render('organizations/tree')
  async tree(@CurrentUser() user: AuthUser, @Query('saved') saved: unknown): Promise<TreeView> {
    const orgs = await this.organizations.list(user);
    return {
      tree: buildTree(orgs),
      canEdit: user.role === 'admin' || user.role === 'organizer',
      saved: orgs.find((o) => o.id === saved) ?? null,
    };
  }

  @Get('new')
  @Roles('organizer')
  async newForm(@CurrentUser() user: AuthUser, @Query('parentId') parentId: unknown, @Res() res: FastifyReply): Promise<void> {
    const parents = parentOptions(await this.organizations.list(user));
    const chosen = parents.find((p) => p.id === parentId)?.id ?? (user.role === 'admin' ? '' : (parents[0]?.id ?? ''));
    this.renderForm(res, { mode: 'create', action: '/organizations', values: { parentId: chosen }, errors: {}, formError: null, parents, allowTopLevel: user.role === 'admin' });
  }

  @Post()
  @Roles('organizer')
  async create(@CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const values = readForm(body, CREATE_FIELDS);
    const { value, errors } = await validateForm(CreateOrganizationDto, values);
    const view = async (errs: FieldErrors, formError: string | null): Promise<FormView> => ({
      mode: 'create', action: '/organizations', values, errors: errs, formError,
      parents: parentOptions(await this.organizations.list(user)), allowTopLevel: user.role === 'admin',
    });
    if (errors) return this.renderForm(res, await view(errors, null), HttpStatus.BAD_REQUEST);
    try {
      const org = await this.organizations.create(user, value);
      res.redirect(`/organizations?saved=${org.id}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderForm(res, await view({}, errorText(e, pageLocale(res))), e.status);
    }
  }

  @Get(':id/edit')
  @Roles('organizer')
  async editForm(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    const org = await this.organizations.get(user, id);
    const { name, abbreviation, locality, shortName, nameEn, parentId } = org;
    this.renderForm(res, await this.editView(user, org, { name, abbreviation, locality, shortName, nameEn, parentId }, {}, null));
  }

  @Post(':id')
  @Roles('organizer')
  async update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const org = await this.organizations.get(user, id);
    const values = readForm(body, EDIT_FIELDS);
    const { value, errors } = await validateForm(UpdateOrganizationDto, values);
    const shown = { ...values, parentId: values.parentId ?? org.parentId };
    if (errors) return this.renderForm(res, await this.editView(user, org, shown, errors, null), HttpStatus.BAD_REQUEST);
    try {
      await this.organizations.update(user, id, value);
      res.redirect(`/organizations?saved=${id}`, 303);
    } catch (e) {
      if (!isFormRejection(e)) throw e;
      this.renderForm(res, await this.editView(user, org, shown, {}, errorText(e, pageLocale(res))), e.status);
    }
  }

  private async editView(user: AuthUser, org: OrganizationDto, values: Record<string, string | null>, errors: FieldErrors, formError: string | null): Promise<FormView> {
    const parents = parentOptions(await this.organizations.list(user), org.id);
    // The top of a non-admin's subtree has a parent they cannot see: offer "keep it" rather than a wrong default.
    if (org.parentId && !parents.some((p) => p.id === org.parentId)) parents.unshift({ id: org.parentId, label: '', depth: 0 });
    return { mode: 'edit', action: `/organizations/${org.id}`, values, errors, formError, parents, allowTopLevel: !org.parentId };
  }

  private renderForm(res: FastifyReply, view: FormView, status: number = HttpStatus.OK): void {
    res.status(status).view('organizations/form', view);
  }
}
