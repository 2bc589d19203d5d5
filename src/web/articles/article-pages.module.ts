import { Module } from '@nestjs/common';
import { ArticlesModule } from '../../articles/articles.module';
import { EventsModule } from '../../events/events.module';
import { NewsPagesController } from '../news/news-pages.controller';
import { ArticlePagesController } from './article-pages.controller';

/** Pages of the articles domain: the organizer's recap and editor, and the public news. */
@Module({
  imports: [ArticlesModule, EventsModule],
  controllers: [ArticlePagesController, NewsPagesController],
})
export class ArticlePagesModule {}
