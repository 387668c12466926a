import { Controller, Delete, Get, HttpCode, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Readable } from 'stream';
import { UuidParamPipe } from '../../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../../access/access.decorators';
import { Permission } from '../../access/permissions';
import type { Viewer } from '../../access/viewer';
import { ConversationDetailDto, MessageDto } from '../../conversations/conversation.responses';
import { ConversationExportService } from './conversation-export.service';
import { CustomerErasureService } from './customer-erasure.service';

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class TranscriptDto {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ format: 'uuid' }) exportedById!: string;
  @ApiProperty({ type: () => ConversationDetailDto, description: 'As the exporter reads it (customer fields filtered and masked)' }) conversation!: ConversationDetailDto;
  @ApiProperty({ type: () => [MessageDto], description: 'Oldest first; private ones redacted for exporters without conversation.private.view' }) messages!: MessageDto[];
}

export class ErasedCountsDto {
  @ApiProperty() conversations!: number;
  @ApiProperty() messages!: number;
  @ApiProperty() attachments!: number;
  @ApiProperty() bindings!: number;
  @ApiProperty() notifications!: number;
}

export class ErasureResultDto {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: () => ErasedCountsDto }) erased!: ErasedCountsDto;
}

@ApiTags('governance')
@ApiBearerAuth()
@Controller()
export class RecordsController {
  constructor(
    private readonly exports: ConversationExportService,
    private readonly erasure: CustomerErasureService,
  ) {}

  @Get('conversations/:id/export')
  @ResourceAccess('conversation', Permission.ConversationExport)
  @ApiOperation({ summary: 'Export a transcript (JSON, or CSV with ?format=csv), redacted and masked for you; audited' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: TranscriptDto, description: 'JSON transcript; with ?format=csv one CSV line per message instead' })
  async export(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Query() q: ExportQueryDto): Promise<unknown> {
    const format = q.format ?? 'json';
    const transcript = await this.exports.transcript(viewer, id, format);
    if (format === 'json') return transcript;
    return new StreamableFile(Readable.from(this.exports.csv(transcript)), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="conversation-${id}.csv"` });
  }

  @Delete('customers/:id')
  @HttpCode(200)
  @ResourceAccess('customer', Permission.CustomerDelete)
  @ApiOperation({ summary: 'Erase a customer: profile, conversations, messages, attachments, bindings (irreversible; audited with counts)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ErasureResultDto })
  async erase(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string): Promise<ErasureResultDto> {
    return { customerId: id, erased: await this.erasure.erase(viewer, id) };
  }
}
