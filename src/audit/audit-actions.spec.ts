import { catalogKeys } from '../web/i18n/i18n';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, diff } from './audit-actions';

describe('audit actions', () => {
  it('every action and entity the page offers has its words in Vietnamese and English', () => {
    for (const locale of ['vi', 'en'] as const) {
      const keys = new Set(catalogKeys(locale));
      const missing = [
        ...AUDIT_ENTITIES.map((e) => `audit.entities.${e}`),
        ...Object.values(AUDIT_ACTIONS).flat().map((a) => `audit.actions.${a.replace(/\./g, '_')}`),
      ].filter((k) => !keys.has(k));
      expect([locale, missing]).toEqual([locale, []]);
    }
  });

  it('diff names only what changed, dates and arrays compared by value, undefined as null', () => {
    const at = new Date('2026-03-10T01:00:00Z');
    const before = { title: 'A', startsAt: at, speakers: [{ id: 1 }], room: undefined as string | undefined, capacity: 40 };
    const after = { title: 'B', startsAt: new Date(at), speakers: [{ id: 1 }], room: 'P.2', capacity: 40 };
    expect(diff(before, after, ['title', 'startsAt', 'speakers', 'room', 'capacity'])).toEqual({ title: { from: 'A', to: 'B' }, room: { from: null, to: 'P.2' } });
  });
});
