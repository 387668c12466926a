import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUnitDto {
  /** e.g. 中區營業所 */
  @ApiProperty({ maxLength: 100, example: '中區營業所' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  parentId!: string;
}

export class UpdateUnitDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  /** Moves the unit (with its subtree) under another unit. */
  @ApiPropertyOptional({ format: 'uuid', description: 'Moves the unit (with its subtree) under another unit' })
  @IsOptional() @IsUUID()
  parentId?: string;

  /** How waiting conversations homed in this unit are routed to its own members (docs/routing.md). */
  @ApiPropertyOptional({ enum: ['manual', 'round_robin', 'least_busy'], description: 'How waiting conversations homed in this unit are routed' })
  @IsOptional() @IsIn(['manual', 'round_robin', 'least_busy'])
  routing?: 'manual' | 'round_robin' | 'least_busy';
}

export interface UnitView {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
  routing: 'manual' | 'round_robin' | 'least_busy';
}
