import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CustomerProfile } from './customer.entity';

/** Profile fields; sensitive ones (phone, idNumber, bankCard) arrive masked unless revealed. */
export class CustomerProfileDto implements CustomerProfile {
  @ApiPropertyOptional({ type: String, nullable: true }) name?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Masked (`******5678`) unless revealed' }) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) birthday?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Masked unless revealed' }) idNumber?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Masked unless revealed' }) bankCard?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Free-form fields' })
  custom?: Record<string, unknown> | null;
}

/** A customer as this member may see it: `profile`/`masked` need customer.profile.view, `tags` customer.tags.view. */
export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The stored profile picture (GET it with your token), or null' }) avatarUrl!: string | null;
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) boundUnitId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) boundMemberId!: string | null;
  @ApiProperty({ description: 'Whether the customer currently follows the channel account' }) followed!: boolean;
  @ApiPropertyOptional({ type: () => CustomerProfileDto, description: 'Absent without customer.profile.view' }) profile?: CustomerProfileDto;
  @ApiPropertyOptional({ type: [String], description: 'The profile fields masked in this payload' }) masked?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Absent without customer.tags.view' }) tags?: string[];
}
