import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

/** The audit log's filters (the CSV export takes these alone). */
export class AuditLogFilterDto {
  /** e.g. `role.updated`, `member.created`, `customer.sensitive_revealed` */
  @ApiPropertyOptional({ maxLength: 100, example: 'role.updated' })
  @IsOptional() @IsString() @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries at or after this time' })
  @IsOptional() @IsISO8601()
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries before this time' })
  @IsOptional() @IsISO8601()
  until?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'conversation', description: 'conversation, customer, member, role, unit, …' })
  @IsOptional() @IsString() @MaxLength(100)
  targetType?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'The id of the target (usually a uuid)' })
  @IsOptional() @IsString() @MaxLength(200)
  targetId?: string;
}

export class AuditLogQueryDto extends IntersectionType(PageQueryDto, AuditLogFilterDto) {}
