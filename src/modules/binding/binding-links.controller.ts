import { Body, Controller, Delete, Get, Header, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExcludeEndpoint, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, Public, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { BindingLinkDto, CreatedBindingLinkDto } from './binding.responses';
import { BindingLinksService } from './binding-links.service';

export class CreateBindingLinkDto {
  @ApiProperty({ format: 'uuid', description: 'The channel account the customer writes to' })
  @IsUUID()
  channelAccountId!: string;

  /** Bind to this member of the unit as well (業務), optional. */
  @ApiPropertyOptional({ format: 'uuid', description: 'Bind to this member of the unit as well' })
  @IsOptional() @IsUUID()
  memberId?: string;
}

@ApiTags('binding')
@ApiBearerAuth()
@Controller()
export class BindingLinksController {
  constructor(private readonly links: BindingLinksService) {}

  /** A token, the text and postback that carry it, a URL and QR codes (PNG data URL, SVG). */
  @Post('units/:id/binding-links')
  @ApiOperation({ summary: 'Create a binding link / QR code for a unit' })
  @ApiUuidParam('id', 'The unit')
  @ApiCreatedResponse({ type: CreatedBindingLinkDto })
  @ApiErrors(403, 404, 422)
  @RequirePermissions(Permission.BindingLink)
  create(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) unitId: string, @Body() dto: CreateBindingLinkDto) {
    return this.links.create(viewer, unitId, dto.channelAccountId, dto.memberId);
  }

  @Get('units/:id/binding-links')
  @ApiOperation({ summary: "List a unit's binding links" })
  @ApiUuidParam('id', 'The unit')
  @ApiOkResponse({ type: ListOf(BindingLinkDto) })
  @ApiErrors(403, 404)
  @RequirePermissions(Permission.BindingLink)
  list(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) unitId: string) {
    return this.links.list(viewer, unitId);
  }

  @Delete('binding-links/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a binding link' })
  @ApiUuidParam()
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(403, 404)
  @RequirePermissions(Permission.BindingLink)
  revoke(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.links.revoke(viewer, id);
  }
}

/** The page a binding link's URL / QR code opens (outside /api/v1). */
@Controller('bind')
export class BindingLandingController {
  constructor(private readonly links: BindingLinksService) {}

  @Get(':token')
  @Public()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async landing(@Param('token') token: string) {
    const html = /^OMNI-[0-9A-Z]{12}$/i.test(token) ? await this.links.landing(token) : null;
    if (!html) throw new NotFoundException('Unknown or revoked binding link');
    return html;
  }
}
