import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ format: 'uuid' }) roleId!: string;
  @ApiProperty({ enum: ['active', 'deactivated'] }) status!: 'active' | 'deactivated';
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, description: 'Channel scope; empty = all accounts' }) channelAccountIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ enum: ['available', 'away', 'offline'], description: 'On GET /members and GET /members/:id' })
  presence?: 'available' | 'away' | 'offline';
}

export class MovedCountsDto {
  @ApiProperty({ type: 'integer', description: 'Open conversations handed over' }) conversations!: number;
  @ApiProperty({ type: 'integer', description: 'Customer bindings handed over' }) bindings!: number;
}

export class MemberDeactivationDto {
  @ApiProperty({ type: () => MemberDto }) member!: MemberDto;
  @ApiProperty({ type: () => MovedCountsDto }) moved!: MovedCountsDto;
}
