import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A repository reads its own domain's tables and asks other domains' services for the rest
 * (style.md). The registrations repository's SQL may name: its own table; the event row only
 * for the seat counter it owns (event.confirmed_count); and mail_message / outbox only inside
 * the one-statement confirmed registration, where splitting would cost the storm its statement.
 */
describe('RegistrationsRepository reads its own tables', () => {
  const source = readFileSync(join(__dirname, 'registrations.repository.ts'), 'utf8');
  // The SQL: the template literals of the file.
  const sql = [...source.matchAll(/`([^`]*)`/g)].map((m) => m[1]).join('\n');
  const tables = [...sql.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)/g)].map((m) => m[1]);

  it('names no table of the organizations, sessions, speakers, quotas or check-ins domains', () => {
    expect(tables.length).toBeGreaterThan(5);
    expect([...new Set(tables)].filter((t) => !['registration', 'event', 'mail_message', 'outbox', 'unnest', 'seat', 'pick', 'promoted', 'reg', 'ev', 'before', 'mail'].includes(t))).toEqual([]);
  });

  it('touches the event row only to count seats', () => {
    const eventStatements = [...sql.matchAll(/\b(?:FROM|UPDATE)\s+event\b[^`]*/g)].map((m) => m[0]);
    for (const s of eventStatements) expect(s).toMatch(/confirmed_count/);
  });
});
