import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';

/** The TypeORM CLI's data source (`npm run migration:*`), built from the same validated config. */
export default new DataSource(dataSourceOptions(loadConfig()));
