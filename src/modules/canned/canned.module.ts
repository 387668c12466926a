import { Module } from '@nestjs/common';
import { CannedController } from './canned.controller';
import { CannedRepository } from './canned.repository';
import { CannedService } from './canned.service';

@Module({
  controllers: [CannedController],
  providers: [CannedRepository, CannedService],
})
export class CannedModule {}
