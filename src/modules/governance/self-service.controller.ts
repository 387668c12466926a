import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, Public, RequestWithViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AcceptInvitationDto, AcceptInvitationResponse, ChangePasswordDto, ChangePasswordResponse, CreateInvitationDto, InvitationResendResponse, InvitationView } from './self-service.dto';
import { SelfServiceService } from './self-service.service';

@ApiTags('self-service')
@Controller()
export class SelfServiceController {
  constructor(private readonly selfService: SelfServiceService) {}

  @Post('me/password')
  @HttpCode(200)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password (every other token of yours is revoked)' })
  @ApiOkResponse({ type: ChangePasswordResponse })
  changePassword(@CurrentViewer() viewer: Viewer, @Req() req: RequestWithViewer, @Body() dto: ChangePasswordDto): Promise<ChangePasswordResponse> {
    const token = String(req.headers['authorization'] ?? '').replace(/^Bearer\s+/i, '').trim();
    return this.selfService.changePassword(viewer, token, dto);
  }

  @Post('invitations')
  @RequirePermissions(Permission.OrgManage)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Invite someone by email to join a unit with a role (the link is valid 7 days, once)' })
  @ApiCreatedResponse({ type: InvitationView })
  invite(@CurrentViewer() viewer: Viewer, @Body() dto: CreateInvitationDto): Promise<InvitationView> {
    return this.selfService.invite(viewer, dto);
  }

  @Post('invitations/:id/resend')
  @HttpCode(200)
  @RequirePermissions(Permission.OrgManage)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Send a pending invitation again, valid 7 days from now; without a mailer, get its link to share' })
  @ApiUuidParam('id', 'The invitation id')
  @ApiOkResponse({ type: InvitationResendResponse })
  @ApiErrors(404, 409)
  resend(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string): Promise<InvitationResendResponse> {
    return this.selfService.resend(viewer, id);
  }

  @Post('invitations/:token/accept')
  @Public()
  @ApiOperation({ summary: 'Accept an invitation: choose a display name and password, get a token' })
  @ApiParam({ name: 'token', description: 'The token from the invitation link' })
  @ApiCreatedResponse({ type: AcceptInvitationResponse })
  accept(@Param('token') token: string, @Body() dto: AcceptInvitationDto): Promise<AcceptInvitationResponse> {
    return this.selfService.accept(token, dto) as Promise<AcceptInvitationResponse>;
  }
}
