import { Module } from '@nestjs/common';
import { PersonalLinks } from './personal-links';

/** Personal links on their own, for the worker's mail sender as well as the registrations domain. */
@Module({
  providers: [PersonalLinks],
  exports: [PersonalLinks],
})
export class PersonalLinksModule {}
