import { ApiProperty } from '@nestjs/swagger';
import { FOLDERS } from '../access/permissions';

export class FolderCountDto {
  @ApiProperty({ enum: FOLDERS }) folder!: string;
  @ApiProperty({ type: 'integer', description: 'Conversations in the folder, bounded' }) count!: number;
  @ApiProperty({ description: 'True when the folder holds more than `count`' }) capped!: boolean;
}
