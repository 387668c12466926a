import { ApiProperty } from '@nestjs/swagger';

/** A unit of the org tree (level 1 is the root). */
export class UnitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '中區營業所' }) name!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the root unit' }) parentId!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Level in the tree; the root is 1' }) depth!: number;
  @ApiProperty({ enum: ['manual', 'round_robin', 'least_busy'], description: 'How waiting conversations homed in this unit are routed to its members' })
  routing!: 'manual' | 'round_robin' | 'least_busy';
}
