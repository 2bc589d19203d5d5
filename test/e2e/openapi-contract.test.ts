import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { Actor, createActor, createOrganization, loginAdmin } from '../factories';
import { createEvent, createPublishedEvent, createSession, createSpeaker } from '../factories/events';
import { csvFile, register } from '../factories/registrations';
import { JsonSchema, OpenApiContract, OpenApiOperation, toJsonSchema } from '../support/openapi-contract';
import { startTestApp, TestApp } from '../support/test-app';
import { LoginDto } from '../../src/auth/dto/login.dto';
import { CreateCheckInDto } from '../../src/check-ins/dto/check-in.dto';
import { CreateEventDto, ListEventsQueryDto, UpdateEventDto } from '../../src/events/dto/event.dto';
import { MailMessageQueryDto } from '../../src/mail/dto/mail-message.dto';
import { CreateOrganizationDto, ListOrganizationsQueryDto, UpdateOrganizationDto } from '../../src/organizations/dto/organization.dto';
import { QuotaItemDto } from '../../src/quotas/dto/quota.dto';
import { RsvpDto } from '../../src/registrations/dto/public-registration.dto';
import { CreateRegistrationDto, ListRegistrationsQueryDto, UpdateRegistrationDto } from '../../src/registrations/dto/registration.dto';
import { CreateSessionDto, SessionSpeakerInputDto, UpdateSessionDto } from '../../src/sessions/dto/session.dto';
import { CreateSpeakerDto, ListSpeakersQueryDto, UpdateSpeakerDto } from '../../src/speakers/dto/speaker.dto';
import { CreateUserDto } from '../../src/users/dto/user.dto';
import Ajv from 'ajv';
import sharp from 'sharp';
import addFormats from 'ajv-formats';

// The endpoints of shared/api.md built so far (auth, users, organizations, speakers, events and
// sessions, registrations, delegate self-service, check-in): the OpenAPI document must agree with it.
const CONTRACT: [method: string, path: string][] = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/users/me'],
  ['post', '/api/v1/users'],
  ['post', '/api/v1/organizations'],
  ['get', '/api/v1/organizations'],
  ['get', '/api/v1/organizations/{id}'],
  ['patch', '/api/v1/organizations/{id}'],
  ['post', '/api/v1/speakers'],
  ['get', '/api/v1/speakers'],
  ['get', '/api/v1/speakers/{id}'],
  ['patch', '/api/v1/speakers/{id}'],
  ['delete', '/api/v1/speakers/{id}'],
  ['post', '/api/v1/events'],
  ['get', '/api/v1/events'],
  ['get', '/api/v1/events/{id}'],
  ['patch', '/api/v1/events/{id}'],
  ['post', '/api/v1/events/{id}/publish'],
  ['post', '/api/v1/events/{id}/complete'],
  ['post', '/api/v1/events/{id}/cancel'],
  ['post', '/api/v1/events/{id}/sessions'],
  ['get', '/api/v1/events/{id}/sessions'],
  ['patch', '/api/v1/sessions/{id}'],
  ['delete', '/api/v1/sessions/{id}'],
  ['put', '/api/v1/events/{id}/quotas'],
  ['post', '/api/v1/events/{id}/registrations'],
  ['post', '/api/v1/events/{id}/registrations/import'],
  ['get', '/api/v1/events/{id}/registrations'],
  ['get', '/api/v1/registrations/{id}'],
  ['patch', '/api/v1/registrations/{id}'],
  ['post', '/api/v1/registrations/{id}/cancel'],
  ['get', '/api/v1/public/registrations/{token}'],
  ['post', '/api/v1/public/registrations/{token}/rsvp'],
  ['post', '/api/v1/public/registrations/{token}/cancel'],
  ['post', '/api/v1/events/{id}/check-ins'],
  ['delete', '/api/v1/check-ins/{id}'],
  ['get', '/api/v1/events/{id}/check-ins/stats'],
  ['put', '/api/v1/events/{id}/recap'],
  ['post', '/api/v1/events/{id}/photos'],
  ['post', '/api/v1/events/{id}/articles'],
  ['get', '/api/v1/articles/{id}'],
  ['patch', '/api/v1/articles/{id}'],
  ['post', '/api/v1/articles/{id}/publish'],
  ['post', '/api/v1/articles/{id}/unpublish'],
  ['get', '/api/v1/articles'],
];

// Statuses api.md names for particular endpoints, beyond the ones every endpoint of its kind has.
const SPECIFIC_ERRORS: [method: string, path: string, statuses: number[]][] = [
  ['post', '/api/v1/auth/login', [400, 401, 429]],
  ['post', '/api/v1/users', [403, 409]],
  ['patch', '/api/v1/events/{id}', [409]],
  ['post', '/api/v1/events/{id}/publish', [409]],
  ['post', '/api/v1/events/{id}/complete', [409]],
  ['post', '/api/v1/events/{id}/cancel', [409]],
  ['post', '/api/v1/events/{id}/sessions', [400, 409]],
  ['post', '/api/v1/events/{id}/registrations', [400, 403, 404, 409]],
  ['post', '/api/v1/events/{id}/registrations/import', [400, 409, 422]],
  ['post', '/api/v1/events/{id}/check-ins', [404, 409]],
  ['post', '/api/v1/public/registrations/{token}/rsvp', [400, 404, 409]],
  ['get', '/api/v1/public/registrations/{token}', [404]],
];

// The request DTOs of api.md's endpoints. The sweeps below also take every other class
// class-validator knows; these are named because a PartialType() (the Update DTOs) keeps its
// rules on an intermediate class, and so that a renamed DTO cannot silently drop out.
const REQUEST_DTOS: Function[] = [
  LoginDto, CreateUserDto, CreateOrganizationDto, UpdateOrganizationDto, ListOrganizationsQueryDto, CreateSpeakerDto, UpdateSpeakerDto, ListSpeakersQueryDto,
  CreateEventDto, UpdateEventDto, ListEventsQueryDto, CreateSessionDto, UpdateSessionDto, SessionSpeakerInputDto, QuotaItemDto, CreateRegistrationDto,
  UpdateRegistrationDto, ListRegistrationsQueryDto, RsvpDto, CreateCheckInDto, MailMessageQueryDto,
];

/** Every class with class-validator rules, and the request DTOs (PartialType's intermediate classes left out). */
function validatedClasses(): Function[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, ValidationMetadata[]> };
  return [...new Set([...storage.validationMetadatas.keys(), ...REQUEST_DTOS])].filter((c) => !/^Partial/.test(c.name));
}

// The lists api.md says are paginated.
const PAGED: string[] = ['/api/v1/speakers', '/api/v1/events', '/api/v1/events/{id}/registrations', '/api/v1/admin/mail-messages', '/api/v1/events/{id}/invitations'];

type Operation = OpenApiOperation & { path: string; method: string };

describe('OpenAPI document and the REST contract', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, unknown>>;
  let doc: OpenApiContract['doc'];
  let operations: Operation[];

  beforeAll(async () => {
    t = await startTestApp();
    paths = (await t.http().get('/api/docs-json').expect(200)).body.paths;
    doc = t.contract.doc;
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, path, method })));
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(CONTRACT)('documents %s %s', (method, path) => {
    // Path parameter names may differ ({id} vs {eventId}); the shape of the path must not.
    const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
    const documented = Object.keys(paths).filter((p) => shape(p) === shape(path));
    expect(documented.some((p) => method in paths[p])).toBe(true);
  });

  it('every operation documents every error status it can answer, with the error body', () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.path.startsWith('/api/v1/'))) {
      const label = `${op.method.toUpperCase()} ${op.path}`;
      const statuses = Object.keys(op.responses).map(Number);
      const need = (status: number, why: string) => {
        if (!statuses.includes(status)) problems.push(`${label} does not document ${status} (${why})`);
      };
      const secured = (op.security ?? []).length > 0;
      // A path parameter that is only looked up (a link's token) is a 404 when wrong, not a 400.
      const checked = (op.parameters ?? []).some((p) => p.in === 'query' || p.schema?.format);
      if (checked || !!op.requestBody || op.method !== 'get') need(400, 'it reads checked parameters or a body');
      if (secured) need(401, 'it needs a token');
      if (op.path.includes('{')) need(404, 'its path names a resource');
      if (secured && op.path.includes('{')) need(403, "the resource may be outside the caller's scope");
      if (secured && op.method !== 'get') need(409, 'a write can meet a database constraint');
      need(500, 'an unexpected error can happen anywhere');
      const specific = SPECIFIC_ERRORS.find(([m, p]) => m === op.method && p === op.path);
      for (const status of specific?.[2] ?? []) need(status, 'api.md');
      for (const status of statuses.filter((x) => x >= 400)) {
        const schema = op.responses[status].content?.['application/json']?.schema;
        const ref = schema?.$ref ?? '';
        if (!/#\/components\/schemas\/(ErrorDto|ImportErrorDto)$/.test(ref)) problems.push(`${label} ${status} has no error body schema (${JSON.stringify(schema)})`);
      }
    }
    expect(problems).toEqual([]);
    // The error body as the filter writes it, with and without details.
    expect(t.contract.validateComponent('ErrorDto', { statusCode: 400, message: ['title must not be empty'], error: 'Bad Request' })).toEqual([]);
    expect(t.contract.validateComponent('ErrorDto', { statusCode: 409, message: 'the event is full', error: 'Conflict', capacity: 3 })).toEqual([]);
    expect(t.contract.validateComponent('ImportErrorDto', { statusCode: 422, message: 'x', error: 'Unprocessable Entity', errors: [{ row: 2, field: 'email', message: 'bad' }] })).toEqual([]);
  });

  it('list endpoints document the page shape {items, total, page, pageSize}, and only they take page/pageSize', () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.method === 'get' && o.path.startsWith('/api/v1/'))) {
      const label = `GET ${op.path}`;
      const ref: string | undefined = op.responses['200']?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : op.responses['200']?.content?.['application/json']?.schema;
      const isPage = !!schema?.properties?.items && ['total', 'page', 'pageSize'].every((k) => schema.properties[k]);
      const takesPage = (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'page');
      if (PAGED.includes(op.path) && !isPage) problems.push(`${label} returns a page but documents ${JSON.stringify(op.responses['200']?.content?.['application/json']?.schema)}`);
      if (isPage !== takesPage) problems.push(`${label}: page schema ${isPage}, page parameter ${takesPage}`);
      if (isPage) {
        for (const k of ['items', 'total', 'page', 'pageSize']) if (!schema.required?.includes(k)) problems.push(`${label}: ${k} is not required in the page`);
        if (schema.properties.items.type !== 'array' || !schema.properties.items.items?.$ref) problems.push(`${label}: items is not an array of a documented item`);
        for (const k of ['total', 'page', 'pageSize']) if (schema.properties[k].type !== 'integer') problems.push(`${label}: ${k} is not an integer`);
      }
    }
    expect(problems).toEqual([]);
  });

  /**
   * Every request DTO's class-validator rules, as the document states them:
   * a generated client refuses what the API refuses, and requires what it requires.
   */
  it('request schemas carry the limits the validators enforce (lengths, formats, enums, bounds, required)', () => {
    const storage = getMetadataStorage();
    const targets = validatedClasses();
    const problems: string[] = [];
    const checked: Function[] = [];
    const compare = (label: string, metas: ValidationMetadata[], s: JsonSchema | undefined, required: boolean) => {
      if (!s) return problems.push(`${label} is not in the document`);
      const optional = metas.some((m) => m.type === 'conditionalValidation');
      if (required === optional) problems.push(`${label}: required ${required} in the document, optional ${optional} in the DTO`);
      const want = (ok: boolean, what: string) => {
        if (!ok) problems.push(`${label}: ${what} (document: ${JSON.stringify(s)})`);
      };
      for (const m of metas.filter((x) => x.type === 'customValidation' && !x.each)) {
        const c = m.constraints ?? [];
        switch (m.name) {
          case 'isString': want(s.type === 'string', 'type string'); break;
          case 'maxLength': want(s.maxLength === c[0], `maxLength ${c[0]}`); break;
          case 'minLength': want(s.minLength === c[0], `minLength ${c[0]}`); break;
          case 'isNotEmpty': want(s.minLength >= 1, 'minLength 1'); break;
          case 'isEmail': want(s.format === 'email', 'format email'); break;
          case 'isUuid': case 'isUUID': want(s.format === 'uuid', 'format uuid'); break;
          case 'isIn': want(JSON.stringify([...(s.enum ?? [])].filter((v) => v !== null).sort()) === JSON.stringify([...c[0]].sort()), `enum ${c[0]}`); break;
          case 'isInt': want(s.type === 'integer', 'type integer'); break;
          case 'min': want(s.minimum === c[0], `minimum ${c[0]}`); break;
          case 'max': want(s.maximum === c[0], `maximum ${c[0]}`); break;
          case 'isBoolean': want(s.type === 'boolean', 'type boolean'); break;
          case 'isArray': want(s.type === 'array', 'type array'); break;
          case 'arrayMaxSize': want(s.maxItems === c[0], `maxItems ${c[0]}`); break;
          case 'matches': want(typeof s.pattern === 'string' || s.format === 'date-time', 'a pattern'); break;
          case 'isIso8601': case 'isISO8601': want(s.format === 'date-time', 'format date-time'); break;
          case 'isTimeZone': break;
          // The common-password list (src/auth/password-policy.ts) has no JSON Schema form; the description says it.
          case 'isNotCommonPassword': break;
          // No control characters (src/http/single-line.ts): not stated as a pattern on every text field of the document.
          case 'singleLine': case 'multiLine': break;
          default: problems.push(`${label}: no rule for ${m.name} in this test`);
        }
      }
    };
    const byProperty = (target: Function) => {
      const map = new Map<string, ValidationMetadata[]>();
      for (const m of storage.getTargetValidationMetadatas(target, '', true, false)) {
        if (m.type === 'whitelistValidation') continue;
        map.set(m.propertyName, [...(map.get(m.propertyName) ?? []), m]);
      }
      return map;
    };
    for (const target of targets) {
      const props = byProperty(target);
      const component = doc.components.schemas[target.name];
      if (component) {
        for (const [prop, metas] of props) compare(`${target.name}.${prop}`, metas, component.properties?.[prop], (component.required ?? []).includes(prop));
        checked.push(target);
      } else if (/QueryDto$/.test(target.name) && target.name !== 'PageQueryDto') {
        // (PageQueryDto's rules are checked through the list query DTOs that extend it.)
        // A query DTO's properties are the parameters of the operations that take it.
        const names = [...props.keys()].sort().join();
        const ops = operations.filter((o) => (o.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort().join() === names);
        if (!ops.length) problems.push(`${target.name} (${names}) is the query of no documented operation`);
        for (const op of ops) {
          for (const [prop, metas] of props) {
            const p = op.parameters!.find((x) => x.in === 'query' && x.name === prop)!;
            compare(`${op.method.toUpperCase()} ${op.path} ?${prop}`, metas, p.schema, !!p.required);
          }
        }
        checked.push(target);
      }
    }
    expect(problems).toEqual([]);
    // The sweep saw the request DTOs of api.md (a renamed class would silently drop out).
    expect(REQUEST_DTOS.filter((c) => !checked.includes(c)).map((c) => c.name)).toEqual([]);
  });

  it('a string the API refuses when empty is refused by its schema (minLength 1, a pattern, a format or an enum)', async () => {
    const { validate } = await import('class-validator');
    const { plainToInstance } = await import('class-transformer');
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const storage = getMetadataStorage();
    const problems: string[] = [];
    for (const target of validatedClasses()) {
      const component = doc.components.schemas[target.name];
      const querySchemas = /QueryDto$/.test(target.name)
        ? Object.fromEntries(operations.flatMap((o) => (o.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema])))
        : {};
      const props = new Set(storage.getTargetValidationMetadatas(target, '', true, false).map((m) => m.propertyName));
      for (const prop of props) {
        const schema = component?.properties?.[prop] ?? querySchemas[prop];
        if (!schema || schema.type !== 'string') continue;
        const errors = await validate(plainToInstance(target as new () => object, { [prop]: '' }) as object, { whitelist: true });
        const refused = errors.some((e) => e.property === prop);
        const schemaRefuses = !ajv.validate(toJsonSchema(schema) as object, '');
        if (refused && !schemaRefuses) problems.push(`${target.name}.${prop}: the API refuses '' but the schema allows it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a tour of every operation: each answer agrees with the document (checked on every call), and none is left out', async () => {
    const api = '/api/v1';
    const http = () => t.http();
    const unknown = '7d3f3c86-5f1b-4c1e-9f2a-1d2b3c4d5e6f';
    await http().get('/health').expect(200);
    await http().get('/health/live').expect(200);
    await http().post(`${api}/auth/login`).send({ email: 'nobody@test.local', password: 'wrong-password-1' }).expect(401);
    await http().post(`${api}/auth/login`).send({ email: 'x' }).expect(400);
    const admin: Actor = await loginAdmin(t);
    const root = await createOrganization(t, admin, { name: 'LĐLĐ tỉnh hợp đồng' });
    const unit = await createOrganization(t, admin, { name: 'CĐ ngành hợp đồng', parentId: root.id });
    const organizer = await createActor(t, admin, 'organizer', unit.id);
    const staff = await createActor(t, admin, 'staff', unit.id);
    await http().get(`${api}/users/me`).set(organizer.auth).expect(200);
    await http().get(`${api}/users/me`).expect(401);
    await http().post(`${api}/users`).set(organizer.auth).send({ email: 'x@test.local', password: 'password-1', fullName: 'X', role: 'organizer', organizationId: unit.id }).expect(403);
    await http().post(`${api}/users`).set(admin.auth).send({ email: organizer.email, password: 'password-1', fullName: 'X', role: 'staff', organizationId: unit.id }).expect(409);

    await http().get(`${api}/organizations`).set(organizer.auth).expect(200);
    await http().get(`${api}/organizations/${unit.id}`).set(organizer.auth).expect(200);
    await http().get(`${api}/organizations/${unknown}`).set(organizer.auth).expect(404);
    await http().get(`${api}/organizations/nope`).set(organizer.auth).expect(400);
    await http().patch(`${api}/organizations/${unit.id}`).set(organizer.auth).send({ nameEn: 'Health sector union' }).expect(200);
    await http().post(`${api}/organizations`).set(organizer.auth).send({ name: '' }).expect(400);

    const speaker = await createSpeaker(t, organizer);
    const spare = await createSpeaker(t, organizer);
    await http().get(`${api}/speakers?q=nguyen&page=1&pageSize=10`).set(organizer.auth).expect(200);
    await http().get(`${api}/speakers?page=1.5e308`).set(organizer.auth).expect(400);
    await http().get(`${api}/speakers/${speaker.id}`).set(organizer.auth).expect(200);
    await http().patch(`${api}/speakers/${speaker.id}`).set(organizer.auth).send({ bio: 'Giảng viên' }).expect(200);
    await http().delete(`${api}/speakers/${spare.id}`).set(organizer.auth).expect(204);

    const draft = await createEvent(t, organizer);
    await http().get(`${api}/events?status=draft`).set(organizer.auth).expect(200);
    await http().get(`${api}/events/${draft.id}`).set(organizer.auth).expect(200);
    await http().patch(`${api}/events/${draft.id}`).set(organizer.auth).send({ capacity: 10 }).expect(200);
    await http().post(`${api}/events/${draft.id}/complete`).set(organizer.auth).expect(409);
    await http().post(`${api}/events/${draft.id}/cancel`).set(organizer.auth).expect(200);
    const event = await createPublishedEvent(t, organizer, { registrationOpensAt: new Date(Date.now() - 86_400_000).toISOString() });
    const session = await createSession(t, organizer, event, { speakers: [{ speakerId: speaker.id }] });
    await http().get(`${api}/events/${event.id}/sessions`).set(organizer.auth).expect(200);
    await http().patch(`${api}/sessions/${session.id}`).set(organizer.auth).send({ room: 'Hội trường B' }).expect(200);
    const second = await createSession(t, organizer, event, {});
    await http().delete(`${api}/sessions/${second.id}`).set(organizer.auth).expect(204);
    await http().put(`${api}/events/${event.id}/quotas`).set(organizer.auth).send([{ organizationId: unit.id, seats: 5 }]).expect(200);
    await http().get(`${api}/events/${event.id}/quotas`).set(organizer.auth).expect(200);

    const reg = await register(t, event.id, { organizationId: unit.id });
    await http().post(`${api}/events/${event.id}/registrations`).send({ fullName: 'Trùng', email: reg.email }).expect(409);
    await http().post(`${api}/events/${event.id}/registrations`).send({ fullName: 'Khách', email: 'guest@test.local', role: 'guest' }).expect(403);
    await http().post(`${api}/events/${event.id}/registrations/import`).set(organizer.auth).attach('file', csvFile(['fullName,email', 'Lê Thị Nhập,nhap@test.local']), 'a.csv').expect(201);
    await http().post(`${api}/events/${event.id}/registrations/import`).set(organizer.auth).attach('file', csvFile(['fullName,email', ',not-an-email']), 'b.csv').expect(422);
    await http().get(`${api}/events/${event.id}/registrations?status=confirmed`).set(organizer.auth).expect(200);
    await http().get(`${api}/registrations/${reg.id}`).set(organizer.auth).expect(200);
    await http().patch(`${api}/registrations/${reg.id}`).set(organizer.auth).send({ position: 'Chủ tịch' }).expect(200);

    await http().get(`${api}/public/registrations/${reg.token}`).expect(200);
    await http().get(`${api}/public/registrations/${reg.token}/qr.svg`).expect(200);
    await http().get(`${api}/public/registrations/${reg.token}/event.ics`).expect(200);
    await http().get(`${api}/public/registrations/not-a-token`).expect(404);
    await http().post(`${api}/public/registrations/${reg.token}/rsvp`).send({ accept: 'yes' }).expect(400);
    await http().post(`${api}/public/registrations/${reg.token}/rsvp`).send({ accept: true }).expect(200);

    const first = await http().post(`${api}/events/${event.id}/check-ins`).set(staff.auth).send({ code: reg.code }).expect(201);
    await http().post(`${api}/events/${event.id}/check-ins`).set(staff.auth).send({ code: reg.code }).expect(200);
    await http().post(`${api}/events/${event.id}/check-ins`).set(staff.auth).send({ code: 'ZZZZ-ZZZZ-ZZ' }).expect(404);
    await http().get(`${api}/events/${event.id}/check-ins/stats`).set(staff.auth).expect(200);
    await http().delete(`${api}/check-ins/${first.body.checkIn.id}`).set(organizer.auth).expect(204);

    const other = await register(t, event.id, {});
    // Personal links can be revoked (in progress with the lead; exercised once it is documented).
    if (t.contract.operationFor('post', `${api}/registrations/${other.id}/revoke-link`)) {
      await http().post(`${api}/registrations/${other.id}/revoke-link`).set(organizer.auth).expect(200);
    }
    await http().post(`${api}/registrations/${other.id}/cancel`).set(organizer.auth).expect(200);
    await http().post(`${api}/public/registrations/${reg.token}/cancel`).expect(200);

    const mails = await http().get(`${api}/admin/mail-messages?pageSize=5`).set(admin.auth).expect(200);
    expect(mails.body.items.length).toBeGreaterThan(0);
    await http().get(`${api}/admin/mail-messages/${mails.body.items[0].id}`).set(admin.auth).expect(200);
    await http().get(`${api}/admin/mail-messages`).set(organizer.auth).expect(403);

    // An event is completed once it has ended: the tour's event (and its agenda) moved a month back first.
    await t.dataSource.query(`UPDATE event SET starts_at = starts_at - interval '30 days', ends_at = ends_at - interval '30 days' WHERE id = $1`, [event.id]);
    await t.dataSource.query(`UPDATE session SET starts_at = starts_at - interval '30 days', ends_at = ends_at - interval '30 days' WHERE event_id = $1`, [event.id]);
    await http().post(`${api}/events/${event.id}/complete`).set(organizer.auth).expect(200);
    await http().post(`${api}/events/${event.id}/publish`).set(organizer.auth).expect(409);
    const later = await createEvent(t, organizer);
    await http().post(`${api}/events/${later.id}/publish`).set(organizer.auth).expect(200);

    // Accounts (issue 15): users, passwords, sign out everywhere, audit.
    await http().get(`${api}/users?role=staff&active=true`).set(organizer.auth).expect(200);
    await http().get(`${api}/users/${staff.id}`).set(organizer.auth).expect(200);
    await http().patch(`${api}/users/${staff.id}`).set(organizer.auth).send({ fullName: 'Bàn điểm danh' }).expect(200);
    await http().post(`${api}/users/${staff.id}/password-reset`).set(admin.auth).expect(202);
    await http().post(`${api}/auth/password-reset`).send({ email: 'nobody@test.local' }).expect(202);
    await http().post(`${api}/auth/password-reset/not-a-token`).send({ newPassword: 'mật-khẩu-mới-1' }).expect(404);
    await http().post(`${api}/auth/password`).set(staff.auth).send({ currentPassword: 'wrong-one-1', newPassword: 'mật-khẩu-mới-1' }).expect(400);
    await http().get(`${api}/audit?entity=user`).set(admin.auth).expect(200);
    // Signing out ends sessions: done with an account of its own, so the tour's actors stay signed in.
    const leaving = await createActor(t, admin, 'staff', unit.id);
    await http().post(`${api}/auth/sign-out-everywhere`).set(leaving.auth).expect(204);
    await http().post(`${api}/users/${leaving.id}/sign-out-everywhere`).set(admin.auth).expect(204);

    // Recap and articles (issue 10), by an organizer signed in now (the one above signed out everywhere).
    const writer = await createActor(t, admin, 'organizer', unit.id);
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } }).jpeg().toBuffer();
    await http().put(`${api}/events/${later.id}/recap`).set(writer.auth).send({ highlights: ['Đoạn một.'], author: 'Minh Anh' }).expect(200);
    await http().get(`${api}/events/${later.id}/recap`).set(writer.auth).expect(200);
    const photo = await http().post(`${api}/events/${later.id}/photos`).set(writer.auth).field('caption', 'Ảnh').attach('file', jpeg, 'a.jpg').expect(201);
    await http().post(`${api}/events/${later.id}/photos`).set(writer.auth).field('caption', 'Ảnh').attach('file', Buffer.from('text'), 'a.jpg').expect(400);
    const article = (await http().post(`${api}/events/${later.id}/articles`).set(writer.auth).send({ language: 'vi' }).expect(202)).body;
    const written = async () => {
      for (let i = 0; i < 300 && (await http().get(`${api}/articles/${article.id}`).set(writer.auth).expect(200)).body.status === 'generating'; i++) await new Promise((r) => setTimeout(r, 100));
    };
    await written();
    await http().patch(`${api}/articles/${article.id}`).set(writer.auth).send({ title: 'Tiêu đề đã sửa' }).expect(200);
    await http().post(`${api}/events/${later.id}/articles`).set(writer.auth).send({ language: 'vi' }).expect(409);
    await http().post(`${api}/events/${later.id}/articles`).set(writer.auth).send({ language: 'vi', overwriteEdits: true }).expect(202);
    await written();
    await http().post(`${api}/articles/${article.id}/restore-previous`).set(writer.auth).expect(200);
    await http().post(`${api}/articles/${article.id}/publish`).set(writer.auth).expect(200);
    await http().get(`${api}/articles?eventId=${later.id}&status=published`).set(writer.auth).expect(200);
    await http().post(`${api}/articles/${article.id}/unpublish`).set(writer.auth).expect(200);
    await http().get(photo.body.url).expect(200);
    await http().get(`${api}/public/photos/${photo.body.id}/original.jpg`).expect(404);
    await http().delete(`${api}/photos/${photo.body.id}`).set(writer.auth).expect(204);

    // Reports, exports and certificates (issue 11).
    const leader = await createActor(t, admin, 'leader', unit.id);
    const present = await register(t, later.id, { organizationId: unit.id }, organizer);
    await http().post(`${api}/events/${later.id}/check-ins`).set(staff.auth).send({ code: present.code }).expect(201);
    await http().get(`${api}/reports/events/${later.id}`).set(leader.auth).expect(200);
    await http().get(`${api}/reports/attendance?organizationId=${unit.id}`).set(leader.auth).expect(200);
    await http().get(`${api}/reports/attendance?from=2026-13-01`).set(leader.auth).expect(400);
    await http().get(`${api}/reports/events/${later.id}/attendance.csv`).set(leader.auth).expect(200);
    await http().get(`${api}/reports/events/${later.id}/attendance.xlsx`).set(leader.auth).expect(200);
    await http().get(`${api}/events/${later.id}/sign-in-sheet.pdf`).set(staff.auth).expect(200);
    await http().get(`${api}/events/${later.id}/badges.pdf`).set(organizer.auth).expect(200);
    await http().get(`${api}/registrations/${reg.id}/certificate`).set(leader.auth).expect(409);
    const certificate = await http().get(`${api}/registrations/${present.id}/certificate`).set(leader.auth).expect(200);
    await http().get(`${api}/registrations/${present.id}/certificate.pdf`).set(leader.auth).expect(200);
    await http().get(`${api}/public/certificates/${certificate.body.code}`).expect(200);
    await http().get(`${api}/public/certificates/0000-0000-0000-0000`).expect(404);

    // Invitations (issue 9).
    const batch = (await http().post(`${api}/events/${later.id}/invitations`).set(admin.auth).send({ status: 'confirmed', template: 'reminder' }).expect(202)).body;
    await http().post(`${api}/events/${later.id}/invitations`).set(admin.auth).send({ template: 'nope' }).expect(400);
    await http().get(`${api}/events/${later.id}/invitations?pageSize=5`).set(admin.auth).expect(200);
    await http().get(`${api}/events/${later.id}/invitation-batches`).set(admin.auth).expect(200);
    await http().get(`${api}/invitation-batches/${batch.batchId}`).set(admin.auth).expect(200);
    await http().post(`${api}/invitation-batches/${batch.batchId}/retry`).set(admin.auth).send({}).expect(200);
    await http().get(`${api}/registrations/${present.id}/mails`).set(admin.auth).expect(200);
    await http().post(`${api}/public/events/${later.slug}/resend-link`).send({ email: 'nobody@example.org' }).expect(202);
    await http().post(`${api}/public/events/${later.slug}/resend-link`).send({ email: 'x' }).expect(400);

    const missing = t.contract.operations().filter((op) => !t.contract.exercised.has(op));
    expect(missing).toEqual([]);
  });
});
