import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * One message per field, as api.md promises. class-validator runs a
 * property's decorators bottom-up, so the last failed constraint is the
 * topmost decorator — by our convention the type check (`@IsString()` above
 * `@MinLength()`), whose message is the most useful when a field is missing.
 */
function messageOf(e: ValidationError, path: string): string | undefined {
  const constraints = e.constraints ?? {};
  if (constraints.whitelistValidation) return `${path} is not an allowed field`;
  const messages = Object.values(constraints);
  const m = messages[messages.length - 1];
  if (m === undefined) return undefined;
  // Messages start with the property name; nested ones get the full path (`speakers[0].role must ...`).
  return m.startsWith(e.property) ? path + m.slice(e.property.length) : `${path}: ${m}`;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = messageOf(e, path);
    return (own === undefined ? [] : [own]).concat(flattenValidationErrors(e.children ?? [], path));
  });
}

/** The largest value of a PostgreSQL integer column: a larger number is a 400 naming the field, not a database error. */
export const INT4_MAX = 2_147_483_647;

// Keys that class-validator's whitelist lets through (it looks them up on a plain object, where they are inherited).
const INHERITED_KEYS = new Set(['constructor', '__proto__', 'prototype']);

/** Messages for what no DTO decorator sees: inherited-name keys, and NUL characters (PostgreSQL text cannot hold them). */
function rawInputProblems(value: unknown, path: string, out: string[], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(`${path || 'value'} must not contain NUL characters`);
  } else if (value !== null && typeof value === 'object' && depth < 32) {
    for (const key of Object.keys(value)) {
      const child = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (INHERITED_KEYS.has(key)) out.push(`${child} is not an allowed field`);
      else rawInputProblems((value as Record<string, unknown>)[key], child, out, depth + 1);
    }
  }
  return out;
}

/**
 * A body DTO's own check of its most common, well-formed shape, for a hot endpoint (the door's
 * check-in): the instance the full validation would return, or undefined to let the full
 * validation decide and word the errors. It must accept only what the full validation accepts
 * (whitelist, forbidNonWhitelisted, every decorator, rawInputProblems), and give the same
 * instance; validation.spec.ts compares the two on valid and invalid bodies.
 */
export interface FastBodyCheck<T> {
  acceptAsIs(value: unknown): T | undefined;
}

function hasFastCheck(t: unknown): t is FastBodyCheck<unknown> {
  return typeof (t as Partial<FastBodyCheck<unknown>> | undefined)?.acceptAsIs === 'function';
}

/** Refuses a JSON array sent where a DTO object is expected (class-transformer would map it element by element). */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const t = metadata.metatype;
    // class-transformer and class-validator cost ~6 % of a check-in's CPU; the usual scan skips them.
    if (metadata.type === 'body' && hasFastCheck(t)) {
      const accepted = t.acceptAsIs(value);
      if (accepted !== undefined) return Promise.resolve(accepted);
    }
    if (metadata.type === 'body' && Array.isArray(value) && t && t !== Array && t !== Object) {
      throw new BadRequestException(['body must be a JSON object']);
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = rawInputProblems(value, '', []);
      if (problems.length) throw new BadRequestException(problems);
    }
    return super.transform(value, metadata);
  }
}

type Storage = ReturnType<typeof getMetadataStorage>;

// class-transformer's singleton rule store (the one its plainToInstance reads), from its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage')).defaultMetadataStorage;

/** The read side of class-transformer's rule store, each a pure function of (class, names) until rules are added. */
const TRANSFORMER_LOOKUPS = [
  'findTransformMetadatas', 'findExcludeMetadata', 'findExposeMetadata', 'findExposeMetadataByCustomName', 'findTypeMetadata',
  'getStrategy', 'getExposedMetadatas', 'getExcludedMetadatas', 'getExposedProperties', 'getExcludedProperties',
] as const;

/**
 * class-transformer, like class-validator below, recomputes a class's rules on every
 * plainToInstance: each lookup walks the class's ancestors and filters and copies their metadata
 * (getExposedProperties, findMetadata: ~3-6 % of a check-in's samples). Kept per class and
 * arguments until a rule is added (decorators, at load time) or the store is cleared. The
 * callers only read the answers (they map, filter and concat into new arrays).
 */
export function memoizeTransformMetadata(storage: typeof transformerStorage = transformerStorage): void {
  const marked = storage as typeof storage & { tdMemoized?: true };
  if (marked.tdMemoized) return;
  marked.tdMemoized = true;
  const methods = storage as unknown as Record<string, (...args: unknown[]) => unknown>;
  const caches: Map<unknown, Map<string, unknown>>[] = [];
  for (const name of TRANSFORMER_LOOKUPS) {
    const lookup = methods[name].bind(storage);
    const byTarget = new Map<unknown, Map<string, unknown>>();
    caches.push(byTarget);
    methods[name] = (target: unknown, ...rest: unknown[]) => {
      let perArgs = byTarget.get(target);
      if (!perArgs) byTarget.set(target, (perArgs = new Map()));
      const key = rest.join('\u0000');
      if (perArgs.has(key)) return perArgs.get(key);
      const answer = lookup(target, ...rest);
      perArgs.set(key, answer);
      return answer;
    };
  }
  for (const name of ['addTypeMetadata', 'addTransformMetadata', 'addExposeMetadata', 'addExcludeMetadata', 'clear']) {
    const change = methods[name].bind(storage);
    methods[name] = (...args: unknown[]) => {
      for (const cache of caches) cache.clear();
      return change(...args);
    };
  }
}

/**
 * class-validator looks a class's rules up again on every validate(): it filters the class's
 * metadata and walks every registered class for inherited rules (O(DTO classes) per body, ~1.5 %
 * of a check-in), then groups them by property. The answer only changes when rules are added
 * (decorators, at load time), so it is kept per class and options until then. Requests with
 * validation groups (none here) take the original path.
 */
export function memoizeValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { tdMemoized?: true };
  if (marked.tdMemoized) return;
  marked.tdMemoized = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const forget = () => {
    byTarget = new Map();
    grouped = new WeakMap();
  };
  for (const name of ['addValidationMetadata', 'addValidationSchema', 'addConstraintMetadata'] as const) {
    const add = (storage[name] as (arg: never) => void).bind(storage);
    (storage as unknown as Record<string, (arg: never) => void>)[name] = (arg) => {
      forget();
      add(arg);
    };
  }
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups?.length) return lookup(target, schema, always, strictGroups, groups);
    const key = `${schema}\u0000${always}\u0000${strictGroups}`;
    let perOptions = byTarget.get(target);
    if (!perOptions) byTarget.set(target, (perOptions = new Map()));
    let metadatas = perOptions.get(key);
    if (!metadatas) perOptions.set(key, (metadatas = lookup(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) grouped.set(metadatas, (byProperty = group(metadatas)));
    return byProperty;
  };
}

/** Global validation: whitelist, unknown fields refused, types transformed; one message per field. */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  memoizeTransformMetadata();
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(flattenValidationErrors(errors)),
  });
}
