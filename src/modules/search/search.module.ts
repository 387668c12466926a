import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { ReadableScope } from './readable-scope.query';
import { SearchController } from './search.controller';
import { SearchConversationsQuery, SearchQuery } from './search.query';
import { SearchService } from './search.service';

@Module({
  imports: [ConversationsModule, ConversationsDataModule],
  controllers: [SearchController],
  providers: [ReadableScope, SearchQuery, SearchConversationsQuery, SearchService],
})
export class SearchModule {}
