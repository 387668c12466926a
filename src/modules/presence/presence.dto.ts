import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class SetStatusDto {
  /** `away` keeps routed work from reaching you while connected; `available` lifts it. */
  @ApiProperty({ enum: ['available', 'away'] })
  @IsIn(['available', 'away'])
  status!: 'available' | 'away';
}

export class PresenceResponseDto {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ enum: ['available', 'away', 'offline'] }) presence!: 'available' | 'away' | 'offline';
}
