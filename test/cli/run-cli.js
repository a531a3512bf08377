// The CLI as a process, from the sources (a fresh clone's tests run before lib/ is built):
// the same main() bin/cdk8s-network-tuning calls, with this process's argv, streams and exit code.
const Module = require('module');
const path = require('path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cdk8s-network-tuning') return path.join(__dirname, '..', '..', 'src', 'index.ts');
  return resolve.call(this, request, ...rest);
};
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
const { main } = require('../../src/cli/_main.ts');
process.exitCode = main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
});
