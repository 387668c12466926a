import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { FolderQuery } from './folder.query';
import { FolderQueryService } from './folder-query.service';
import { FoldersController } from './folders.controller';

@Module({
  imports: [ConversationsModule],
  controllers: [FoldersController],
  providers: [FolderQuery, FolderQueryService],
})
export class FoldersModule {}
