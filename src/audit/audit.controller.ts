import { Get, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Roles } from '../auth/auth-user';
import { ApiController } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { AuditService } from './audit.service';
import { AuditEntryDto, AuditPageDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiController('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Admins only: the log names people and changes across every unit. */
  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: AuditPageDto })
  list(@Query() q: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(q);
  }
}
