import type { Response } from 'supertest';
import { TestApp } from '../support/test-app';

/** The cookies a response sets, as name → value. */
function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  for (const c of set ?? []) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

/** The CSRF token of the first form of a page (hidden field or the desk's data attribute). */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? /data-csrf="([^"]+)"/.exec(html)?.[1] ?? '';

/** A browser-like client for page tests: keeps cookies and the CSRF token of the last page. */
export class PageClient {
  jar: Record<string, string> = {};
  csrf = '';
  constructor(private readonly t: TestApp) {}

  private keep(res: Response): Response {
    Object.assign(this.jar, cookiesOf(res));
    const token = csrfOf(res.text ?? '');
    if (token) this.csrf = token;
    return res;
  }

  get cookie(): string {
    return cookieHeader(this.jar);
  }

  async get(path: string): Promise<Response> {
    return this.keep(await this.t.http().get(path).set('Accept', 'text/html').set('Cookie', this.cookie));
  }

  async post(path: string, form: Record<string, string | string[]>, withCsrf = true): Promise<Response> {
    const body = withCsrf ? { ...form, _csrf: this.csrf } : form;
    return this.keep(await this.t.http().post(path).type('form').set('Accept', 'text/html').set('Cookie', this.cookie).send(body));
  }

  /** A multipart upload of `file` as field `file`, the CSRF token in the query string as the import form sends it. */
  async upload(path: string, file: Buffer, filename: string, withCsrf = true): Promise<Response> {
    const url = withCsrf ? `${path}?_csrf=${encodeURIComponent(this.csrf)}` : path;
    return this.keep(await this.t.http().post(url).set('Accept', 'text/html').set('Cookie', this.cookie).attach('file', file, filename));
  }

  /** Posts the login form and returns the answer, whatever it is. */
  async submitLogin(email: string, password: string): Promise<Response> {
    await this.get('/login');
    return this.post('/login', { email, password, next: '/' });
  }

  /** Logs in (throws unless it worked) and opens the dashboard, so the CSRF token is the session's. */
  async login(email: string, password: string): Promise<Response> {
    const res = await this.submitLogin(email, password);
    if (res.status !== 303) throw new Error(`login: ${res.status}`);
    await this.get('/');
    return res;
  }
}
