import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { BindingController } from './binding.controller';
import { BindingRepository } from './binding.repository';
import { BindingService } from './binding.service';

@Module({
  imports: [CustomersModule],
  controllers: [BindingController],
  providers: [BindingRepository, BindingService],
  exports: [BindingService, BindingRepository],
})
export class BindingModule {}
