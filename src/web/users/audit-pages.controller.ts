import { Get, Query, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from '../../audit/audit-actions';
import { AuditService } from '../../audit/audit.service';
import { AuditEntryDto, ListAuditQueryDto } from '../../audit/dto/audit.dto';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import type { FastifyReply } from '../../http/request';
import { OrganizationsService } from '../../organizations/organizations.service';
import { parentOptions, ParentOption } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';

/** View model of users/audit.eta. */
interface AuditView {
  items: (AuditEntryDto & { unitName: string | null; actionKey: string; actorKey: string; changeText: string })[];
  total: number;
  page: number;
  pages: number;
  filters: { entity: string; action: string; organizationId: string; from: string; to: string; actorId: string; entityId: string };
  query: string;
  units: ParentOption[];
  /** The entity and action filters' options: catalog keys under `audit.entities.` and `audit.actions.`. */
  entities: string[];
  actionGroups: { entity: string; actions: { value: string; key: string }[] }[];
}

/** Changes made without anyone signed in: a visitor, not the system. */
const VISITOR_ACTIONS = new Set(['user.login-failed', 'user.password-reset-request', 'user.password-reset']);
const actionKey = (action: string) => `audit.actions.${action.replace(/\./g, '_')}`;
/** One value of `changes` as a line of text, long ones (article paragraphs) cut. */
const shown = (v: unknown) => {
  const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

const PAGE_SIZE = 50;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** A date input's `YYYY-MM-DD`, as the start (or end) of that day in Vietnam. */
const day = (v: string, end: boolean) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T${end ? '23:59:59' : '00:00:00'}+07:00` : '');

/** The admin's audit log: who changed what, newest first, with the API's filters. */
@WebController('admin/audit')
@Roles('admin')
export class AuditPagesController {
  constructor(
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  async list(@CurrentUser() actor: AuthUser, @Query() raw: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const filters = { entity: str(raw.entity), action: str(raw.action), organizationId: str(raw.organizationId), from: str(raw.from), to: str(raw.to), actorId: str(raw.actorId), entityId: str(raw.entityId) };
    const q = plainToInstance(ListAuditQueryDto, {
      ...Object.fromEntries(Object.entries({ ...filters, from: day(filters.from, false), to: day(filters.to, true) }).filter(([, v]) => v !== '')),
      page: str(raw.page) || '1',
      pageSize: String(PAGE_SIZE),
    });
    // A hand-edited query string: what is invalid is ignored rather than an error page.
    for (const e of await validate(q)) (q as unknown as Record<string, unknown>)[e.property] = e.property === 'page' ? 1 : undefined;
    const orgs = await this.organizations.list(actor);
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    const page = await this.audit.list(q);
    const view: AuditView = {
      items: page.items.map((e) => ({
        ...e,
        unitName: e.organizationId ? (names.get(e.organizationId) ?? null) : null,
        actionKey: actionKey(e.action),
        actorKey: e.changes.by === 'delegate' ? 'audit.delegate' : VISITOR_ACTIONS.has(e.action) ? 'audit.visitor' : 'audit.system',
        changeText: Object.entries(e.changes)
          .map(([k, v]) => (v && typeof v === 'object' && 'from' in v && 'to' in v ? `${k}: ${shown((v as { from: unknown }).from)} → ${shown((v as { to: unknown }).to)}` : `${k}: ${shown(v)}`))
          .join('; '),
      })),
      total: page.total,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      filters,
      query: new URLSearchParams(filters).toString(),
      units: parentOptions(orgs),
      entities: AUDIT_ENTITIES,
      actionGroups: AUDIT_ENTITIES.map((entity) => ({ entity, actions: AUDIT_ACTIONS[entity].map((value) => ({ value, key: actionKey(value) })) })),
    };
    res.view('users/audit', view);
  }
}
