// Child-process entry for determinism.test.ts: resolves the package name to the source (as
// Jest's moduleNameMapper does), then prints the examples' digest.
const Module = require('module');
const path = require('path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cdk8s-network-tuning') return path.join(__dirname, '..', '..', 'src', 'index.ts');
  return resolve.call(this, request, ...rest);
};
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
process.stdout.write(require('./digest.ts').examplesDigest());
