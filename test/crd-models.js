// Validates custom resources against the ESM-only @kubernetes-models packages
// (generated from the Flux and Prometheus Operator CRDs). Jest cannot load ES
// modules in-process, so test/util.ts runs this script with plain Node, which
// can require() them (Node >= 20.19). Input: JSON array of objects on stdin.
// Output: JSON array of error strings.
const path = require('path');

const PACKAGES = {
  'helm.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'source.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

function model(apiVersion, kind) {
  const [group, version] = apiVersion.split('/');
  const pkg = PACKAGES[group];
  if (!pkg) return undefined;
  const dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [__dirname] }));
  try {
    return require(path.join(dir, group, version, `${kind}.js`))[kind];
  } catch {
    return undefined;
  }
}

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const errors = [];
  for (const obj of JSON.parse(input)) {
    const where = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
    const Model = model(obj.apiVersion, obj.kind);
    if (!Model) {
      errors.push(`${where}: no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      errors.push(`${where}: ${e.message}`);
    }
  }
  process.stdout.write(JSON.stringify(errors));
});
