import { redactRequestForLog, redactResponseForLog, redactUrl } from './log-redaction';

describe('redactUrl', () => {
  it.each([
    ['/r/AbC123-secret', '/r/***'],
    ['/r/AbC123-secret?done=registered', '/r/***?done=registered'],
    ['/r/AbC123-secret/rsvp', '/r/***/rsvp'],
    ['/api/v1/public/registrations/AbC123-secret', '/api/v1/public/registrations/***'],
    ['/api/v1/public/registrations/AbC123-secret/qr.svg?size=200', '/api/v1/public/registrations/***/qr.svg?size=200'],
    ['/events/12/registrations/import?_csrf=csrf-value', '/events/12/registrations/import?_csrf=***'],
    ['/x?a=1&_csrf=v&b=2#frag', '/x?a=1&_csrf=***&b=2#frag'],
    ['/x?token=t&access_token=u&resetToken=w&secret=s&password=p&signature=g', '/x?token=***&access_token=***&resetToken=***&secret=***&password=***&signature=***'],
    ['/x?%5Fcsrf=v', '/x?%5Fcsrf=***'],
    ['http://localhost:3000/r/AbC123-secret?_csrf=v', 'http://localhost:3000/r/***?_csrf=***'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/events?page=2&q=token%20ring',
    '/e/some-slug/register',
    '/api/v1/registrations/3f2a?status=confirmed',
    '/rooms/r/abc',
    '/r/',
    '/x?flag&other',
  ])('leaves %s alone', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('log serializers', () => {
  it('masks url, query and Referer of a logged request, drops its params, and leaves the live headers alone', () => {
    const headers = { referer: 'http://localhost/r/secret1', authorization: 'Bearer x' };
    const logged = redactRequestForLog({
      id: 'req-1',
      url: '/r/secret1/cancel?_csrf=c1',
      query: { _csrf: 'c1', done: 'x' },
      params: { token: 'secret1' },
      headers,
    });
    expect(logged).toEqual({
      id: 'req-1',
      url: '/r/***/cancel?_csrf=***',
      query: { _csrf: '***', done: 'x' },
      params: undefined,
      headers: { referer: 'http://localhost/r/***', authorization: 'Bearer x' },
    });
    expect(headers.referer).toBe('http://localhost/r/secret1');
  });

  it('masks the Location of a logged response', () => {
    expect(redactResponseForLog({ statusCode: 303, headers: { location: '/r/secret1?done=registered' } })).toEqual({
      statusCode: 303,
      headers: { location: '/r/***?done=registered' },
    });
  });
});
