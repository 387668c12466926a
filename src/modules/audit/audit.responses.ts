import { ApiProperty } from '@nestjs/swagger';

export class AuditLogDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for system actions' }) actorId!: string | null;
  @ApiProperty({ example: 'role.updated' }) action!: string;
  @ApiProperty({ example: 'role' }) targetType!: string;
  @ApiProperty({ type: String, nullable: true }) targetId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'State before' }) before!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'State after' }) after!: unknown;
  @ApiProperty({ format: 'date-time' }) at!: string;
}
