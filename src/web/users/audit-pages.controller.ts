import { Get, Query, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuditService } from '../../audit/audit.service';
import { AuditEntryDto, ListAuditQueryDto } from '../../audit/dto/audit.dto';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import type { FastifyReply } from '../../http/request';
import { OrganizationsService } from '../../organizations/organizations.service';
import { parentOptions, ParentOption } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';

/** View model of users/audit.eta. */
interface AuditView {
  items: (AuditEntryDto & { unitName: string | null; actionKey: string; changeText: string })[];
  total: number;
  page: number;
  pages: number;
  filters: { entity: string; organizationId: string; from: string; to: string; actorId: string; entityId: string };
  query: string;
  units: ParentOption[];
}

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
    const filters = { entity: str(raw.entity), organizationId: str(raw.organizationId), from: str(raw.from), to: str(raw.to), actorId: str(raw.actorId), entityId: str(raw.entityId) };
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
        actionKey: `audit.actions.${e.action.replace(/\./g, '_')}`,
        changeText: Object.entries(e.changes)
          .map(([k, v]) => (v && typeof v === 'object' && 'from' in v ? `${k}: ${String((v as { from: unknown; to: unknown }).from)} → ${String((v as unknown as { to: unknown }).to)}` : `${k}: ${String(v)}`))
          .join('; '),
      })),
      total: page.total,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      filters,
      query: new URLSearchParams(filters).toString(),
      units: parentOptions(orgs),
    };
    res.view('users/audit', view);
  }
}
