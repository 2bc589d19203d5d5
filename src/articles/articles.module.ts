import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ArticleGenerationService } from './article-generation.service';
import { Article } from './article.entity';
import { ArticlesController } from './articles.controller';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import { MediaController } from './media.controller';
import { EventPhoto } from './photo.entity';
import { PhotoStorage } from './photo-storage';
import { EventRecapController, PhotosController } from './recap.controller';
import { EventRecap } from './recap.entity';
import { RecapRepository } from './recap.repository';
import { RecapService } from './recap.service';

/**
 * Recaps, photos and articles. The `article.generate` processor is registered
 * in src/worker.module.ts (it uses ArticleGenerationService, exported here).
 */
@Module({
  imports: [TypeOrmModule.forFeature([EventRecap, EventPhoto, Article]), EventsModule, OrganizationsModule, SessionsModule],
  controllers: [EventRecapController, PhotosController, ArticlesController, MediaController],
  providers: [ArticlesRepository, RecapRepository, PhotoStorage, RecapService, ArticleGenerationService, ArticlesService],
  exports: [ArticleGenerationService, ArticlesService, RecapService],
})
export class ArticlesModule {}
