'use strict';
// ctest entry point for one node test file: fails loudly (exit 1) if node is too old for
// node:test or the pinned packages are not installed (npm ci): both are required dependencies,
// never a reason to skip. Otherwise runs
// `node --test <file>` and returns its exit code.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2];
const fail = (why) => {
  process.stderr.write(`\n*** MISSING REQUIRED DEPENDENCY: ${why} ***\n\n`);
  process.exit(1);
};
const major = Number(process.versions.node.split('.')[0]);
if (major < 18) fail(`node ${process.version} has no stable node:test runner (need >= 18)`);
const pkg = require(path.join(__dirname, '..', 'package.json'));
for (const dep of Object.keys(pkg.dependencies)) {
  // (not require.resolve: packages with an `exports` map hide their package.json)
  if (!fs.existsSync(path.join(__dirname, '..', 'node_modules', dep, 'package.json'))) {
    fail(`node package '${dep}' is not installed; run 'npm ci' in tests/compat/node ` +
         '(.ci/install-deps test does it)');
  }
}
const r = spawnSync(process.execPath, ['--test', file], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
