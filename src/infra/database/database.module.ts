import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { appConfig } from '../config/app.config';
import { dataSourceOptions } from './data-source-options';
import { Db } from './db';
import { PoolWarmup } from './pool-warmup';
import { TransactionGuard } from './transaction-guard';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        ...dataSourceOptions(cfg.databaseUrl, { poolSize: cfg.databasePoolSize, ...cfg.databaseTimeouts }),
        autoLoadEntities: false,
      }),
    }),
    // The ambient transaction: async context (AsyncLocalStorage) carries the open one.
    ClsModule.forRoot({
      global: true,
      plugins: [new ClsPluginTransactional({ imports: [TypeOrmModule], adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }) })],
    }),
  ],
  providers: [PoolWarmup, Db, TransactionGuard],
  exports: [Db],
})
export class DatabaseModule {}
