// Real PostgreSQL, Redis and Chromium make these tiers slower than unit tests.
jest.setTimeout(90_000);
