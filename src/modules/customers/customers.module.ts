import { Module } from '@nestjs/common';
import { CustomerRepository } from './customer.repository';
import { CustomerDirectoryController } from './customer-directory.controller';
import { CustomerDirectoryQuery } from './customer-directory.query';
import { CustomerDirectoryService } from './customer-directory.service';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

@Module({
  controllers: [CustomersController, CustomerDirectoryController],
  providers: [CustomerRepository, CustomersService, CustomerDirectoryQuery, CustomerDirectoryService],
  exports: [CustomerRepository],
})
export class CustomersModule {}
