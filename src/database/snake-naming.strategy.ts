import { DefaultNamingStrategy, NamingStrategyInterface, Table } from 'typeorm';

const snake = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

// PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated.
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The name PostgreSQL gives an unnamed constraint (makeObjectName in
 * src/backend/commands/indexcmds.c): `<table>_<columns>_<label>`, the longer
 * of the two parts shortened until the whole fits in 63 bytes. PostgreSQL
 * appends a number when that name is taken; such constraints need an
 * explicit name in the entity.
 */
function postgresObjectName(table: string, columns: string, label: string): string {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  let [name1, name2] = [table, columns];
  const overhead = bytes(label) + 1 + (name2 ? 1 : 0);
  while (bytes(name1) + bytes(name2) + overhead > MAX_IDENTIFIER_BYTES) {
    if (bytes(name1) > bytes(name2)) name1 = name1.slice(0, -1);
    else name2 = name2.slice(0, -1);
  }
  return [name1, name2, label].filter(Boolean).join('_');
}

/**
 * Tables and columns in snake_case while entities keep camelCase properties.
 * Primary and foreign keys get the names PostgreSQL chooses for the inline
 * `PRIMARY KEY` and `REFERENCES` that migrations/ write (`event_pkey`,
 * `event_organization_id_fkey`), so that the entities' keys are the
 * database's and `migration:generate` leaves them alone.
 */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override tableName(className: string, customName?: string): string {
    return customName ?? snake(className);
  }
  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return snake(prefixes.concat('').join('_')) + (customName ?? snake(propertyName));
  }
  override relationName(propertyName: string): string {
    return snake(propertyName);
  }
  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return snake(`${relationName}_${referencedColumnName}`);
  }
  override joinTableName(firstTableName: string, secondTableName: string, firstPropertyName: string): string {
    return snake(`${firstTableName}_${firstPropertyName.replace(/\./g, '_')}_${secondTableName}`);
  }
  override joinTableColumnName(tableName: string, propertyName: string, columnName?: string): string {
    return snake(`${tableName}_${columnName ?? propertyName}`);
  }
  override primaryKeyName(tableOrName: Table | string): string {
    return postgresObjectName(this.getTableName(tableOrName), '', 'pkey');
  }
  override foreignKeyName(tableOrName: Table | string, columnNames: string[]): string {
    return postgresObjectName(this.getTableName(tableOrName), columnNames.join('_'), 'fkey');
  }
}
