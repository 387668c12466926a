import { Module } from '@nestjs/common';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { CustomersModule } from '../customers/customers.module';
import { BindingController } from './binding.controller';
import { BindingRepository } from './binding.repository';
import { BindingService } from './binding.service';
import { BindingLinkRepository } from './binding-link.repository';
import { BindingLandingController, BindingLinksController } from './binding-links.controller';
import { BindingLinksService } from './binding-links.service';
import { InboundBindingService } from './inbound-binding.service';
import { QrRenderer } from './qr-renderer';

@Module({
  imports: [CustomersModule, ConversationsDataModule],
  controllers: [BindingController, BindingLinksController, BindingLandingController],
  providers: [BindingRepository, BindingService, BindingLinkRepository, BindingLinksService, InboundBindingService, QrRenderer],
  exports: [BindingService, BindingRepository, BindingLinkRepository, InboundBindingService],
})
export class BindingModule {}
