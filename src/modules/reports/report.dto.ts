import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

export const GROUP_BY = ['member', 'unit', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export class ReportQueryDto {
  @ApiProperty({ description: 'First local day of the range (org timezone), included', example: '2026-01-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ description: 'Last local day of the range (org timezone), included', example: '2026-01-31' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this unit and the units below it (must be within your own unit subtree, else 404)' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: GROUP_BY, default: 'unit' })
  @IsOptional()
  @IsIn(GROUP_BY)
  groupBy?: GroupBy;
}

export class PercentilesDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Median in seconds (within 4.4 %), null without samples' })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '90th percentile in seconds (within 4.4 %), null without samples' })
  p90!: number | null;
}

export class ReportFiguresDto {
  @ApiProperty({ description: 'Sessions started: new conversations and reopenings' }) conversations!: number;
  @ApiProperty({ description: 'Sessions started by reopening a done or trashed conversation' }) reopened!: number;
  @ApiProperty({ description: 'Customer messages' }) messagesIn!: number;
  @ApiProperty({ description: 'Agent replies sent to the customer (notes excluded)' }) messagesOut!: number;
  @ApiProperty({ type: PercentilesDto, description: 'Session start to first agent reply' }) firstResponseSeconds!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto, description: 'Session start to done' }) resolutionSeconds!: PercentilesDto;
  @ApiProperty({ description: 'Holdings that ended by a transfer' }) transfers!: number;
  @ApiProperty({ description: 'Transfers whose new holder did not reply within the transfer timeout' }) transferTimeouts!: number;
  @ApiProperty({ description: 'Conversations marked done' }) completed!: number;
}

export class ReportItemDto extends ReportFiguresDto {
  @ApiProperty({ type: String, nullable: true, description: 'Unit id, member id (null: no member) or local date YYYY-MM-DD' })
  key!: string | null;

  @ApiProperty({ description: 'Unit name, member display name or the date' })
  label!: string;
}

export class ReportSummaryDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: GROUP_BY }) groupBy!: GroupBy;
  @ApiProperty({ format: 'uuid', description: 'The unit whose subtree the report covers' }) unitId!: string;
  @ApiProperty({ description: 'The org timezone that decides local days', example: 'Asia/Taipei' }) timezone!: string;
  @ApiProperty({ type: [ReportItemDto] }) items!: ReportItemDto[];
  @ApiProperty({ type: ReportFiguresDto }) totals!: ReportFiguresDto;
}
