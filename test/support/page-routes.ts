import type { TestApp } from './test-app';

/**
 * The page routes (not /api/, /health, the queue dashboard, wildcards or /assets/ library files)
 * that the app's Fastify router holds for `method`, read from `printRoutes` (a tree of path
 * segments; `:a|:b` where routes name one parameter differently, the last one standing for them).
 * The same walk as no-store.test.ts's.
 */
export function pageRoutes(t: TestApp, method: 'GET' | 'POST'): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack[depth] = m[2].replace(/:[^/|]+\|/g, '');
    if (m[3]?.split(', ').includes(method)) paths.push(stack.join(''));
  }
  return [...new Set(paths)].filter((p) => !p.startsWith('/api/') && !/^\/health(\/|$)/.test(p) && !p.startsWith('/admin/queues') && !/[*{]/.test(p) && !p.includes('/assets/')).sort();
}

/** Whether `path` (no query) is an instance of `route` (`/events/:id/publish`). */
export function matchesRoute(route: string, path: string): boolean {
  const pattern = route.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}
