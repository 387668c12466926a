import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class BindCustomerDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  /** A member of that unit (業務), optional. */
  @ApiPropertyOptional({ format: 'uuid', description: 'A member of that unit' })
  @IsOptional() @IsUUID()
  memberId?: string;
}
