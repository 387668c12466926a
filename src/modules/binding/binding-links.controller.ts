import { Body, Controller, Delete, Get, Header, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, Public, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { BindingLinksService } from './binding-links.service';

export class CreateBindingLinkDto {
  @IsUUID()
  channelAccountId!: string;

  /** Bind to this member of the unit as well (業務), optional. */
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
  @RequirePermissions(Permission.BindingLink)
  create(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) unitId: string, @Body() dto: CreateBindingLinkDto) {
    return this.links.create(viewer, unitId, dto.channelAccountId, dto.memberId);
  }

  @Get('units/:id/binding-links')
  @RequirePermissions(Permission.BindingLink)
  list(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) unitId: string) {
    return this.links.list(viewer, unitId);
  }

  @Delete('binding-links/:id')
  @HttpCode(204)
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
