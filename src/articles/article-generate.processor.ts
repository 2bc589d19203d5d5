import { JobContext, JobProcessor, ProcessorOf } from '../queue/job-processor';
import { JobPayloads } from '../queue/jobs';
import { ArticleGenerationService } from './article-generation.service';

/**
 * `article.generate`: writes one article from the event's data and recap. A
 * failure is recorded on the article (its reason shows on the article and the
 * event's pages) and rethrown so BullMQ retries; the last attempt leaves it `failed`.
 */
@ProcessorOf('article.generate')
export class ArticleGenerateProcessor implements JobProcessor<'article.generate'> {
  constructor(private readonly generation: ArticleGenerationService) {}

  process(payload: JobPayloads['article.generate'], ctx: JobContext): Promise<void> {
    return this.generation.generate(payload, ctx.isFinalAttempt);
  }
}
