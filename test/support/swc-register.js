// Lets `node -r ./test/support/swc-register.js src/main.ts` run the TypeScript sources as they are,
// compiled on load by swc with the options jest uses (jest.config.js): the tests that need a real
// process (to see it survive or die) run the current code without a build step.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
