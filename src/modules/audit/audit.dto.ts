import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

export class AuditLogQueryDto extends PageQueryDto {
  /** e.g. `role.updated`, `member.created`, `customer.sensitive_revealed` */
  @IsOptional() @IsString() @MaxLength(100)
  action?: string;

  @IsOptional() @IsUUID()
  actorId?: string;

  @IsOptional() @IsISO8601()
  since?: string;
}
