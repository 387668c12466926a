import { Module } from '@nestjs/common';
import { ReadableScope } from '../search/readable-scope.query';
import { CustomerRepository } from './customer.repository';
import { CustomerDirectoryController } from './customer-directory.controller';
import { CustomerDirectoryQuery } from './customer-directory.query';
import { CustomerDirectoryService } from './customer-directory.service';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

@Module({
  controllers: [CustomersController, CustomerDirectoryController],
  providers: [CustomerRepository, CustomersService, CustomerDirectoryQuery, CustomerDirectoryService, ReadableScope],
  exports: [CustomerRepository],
})
export class CustomersModule {}
