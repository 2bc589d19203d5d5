/**
 * What the audit log records, by entity: the page offers these as filters and words each through
 * `audit.actions.<action with . as _>` in the catalogs. Stored in audit_log rows: rename only with
 * a migration of the rows.
 *
 * `entityId` is the changed thing's id, except where the change is to a set an event owns:
 * `registration.import` names the event (entity `event`: one entry per file, with its counts), and
 * `quota.*` name the event too (entity `quota`, the unit in `changes.unitId`). A delegate's own answer or
 * cancellation by their personal link has no actor and `changes.by: 'delegate'`.
 */
export const AUDIT_ACTIONS = {
  event: ['event.create', 'event.update', 'event.publish', 'event.complete', 'event.cancel', 'registration.import'],
  session: ['session.create', 'session.update', 'session.move', 'session.delete'],
  registration: ['registration.update', 'registration.cancel', 'registration.rsvp', 'registration.check-in-undo'],
  quota: ['quota.set', 'quota.change', 'quota.delete'],
  article: ['article.generate', 'article.update', 'article.restore-previous', 'article.publish', 'article.unpublish'],
  user: [
    'user.create',
    'user.update',
    'user.deactivate',
    'user.reactivate',
    'user.login',
    'user.login-failed',
    'user.password-change',
    'user.password-reset',
    'user.password-reset-request',
    'user.password-reset-send',
    'user.sign-out-everywhere',
  ],
} as const;

export type AuditEntity = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ENTITIES = Object.keys(AUDIT_ACTIONS) as AuditEntity[];

/** `{ title: { from, to } }` for each key whose value differs (compared as JSON, so dates and arrays compare by value). */
export function diff<T extends object>(before: T, after: T, keys: readonly (keyof T)[]): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    const from = plain(before[key]);
    const to = plain(after[key]);
    if (JSON.stringify(from) !== JSON.stringify(to)) out[key as string] = { from, to };
  }
  return out;
}

const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);
