import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentViewer } from '../access/access.decorators';
import type { Viewer } from '../access/viewer';
import { PresenceResponseDto, SetStatusDto } from './presence.dto';
import { PresenceService } from './presence.service';

@ApiTags('presence')
@ApiBearerAuth()
@Controller('me/status')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Put()
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Set my status: available or away (offline follows from having no socket for presenceGraceSeconds)' })
  @ApiOkResponse({ type: PresenceResponseDto })
  async set(@CurrentViewer() viewer: Viewer, @Body() dto: SetStatusDto): Promise<PresenceResponseDto> {
    return { memberId: viewer.memberId, presence: await this.presence.setStatus(viewer.orgId, viewer.memberId, dto.status) };
  }
}
