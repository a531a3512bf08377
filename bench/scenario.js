// One benchmark scenario, in its own process (so module caches and heap start cold).
// Usage: node bench/scenario.js <scenario> <size> [--write-fixture FILE] [--fixture FILE]
// Prints one JSON line: { ms, rssMb, objects, bytes }.
'use strict';
const fs = require('fs');

const [scenario, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg || 0);
const flag = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'silent';

const namespaces = (n) => Array.from({ length: n }, (_, i) => `team-${String(i).padStart(5, '0')}`);

function deployments(cdk8s, chart, n) {
  for (let i = 0; i < n; i++) {
    new cdk8s.ApiObject(chart, `d${i}`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${i}`, namespace: 'apps' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: `app-${i}` } },
        template: {
          metadata: { labels: { app: `app-${i}` } },
          spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
        },
      },
    });
  }
}

/**
 * The users' own objects of the realistic scenario, built the way users build them
 * (cdk8s-plus): per namespace, DEPLOYMENTS Deployments each exposed by a Service.
 * Not timed: cdk8s-plus construction is excluded from the library run and the floor alike.
 */
const DEPLOYMENTS = 2;
function realisticApp(cdk8s, n) {
  const kplus = require('cdk8s-plus-28');
  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, 'apps');
  const services = [];
  for (const ns of namespaces(n)) {
    for (let d = 0; d < DEPLOYMENTS; d++) {
      const deployment = new kplus.Deployment(chart, `${ns}-web-${d}`, {
        metadata: { name: `web-${d}`, namespace: ns },
        replicas: 3,
        containers: [{ image: 'registry.k8s.io/pause:3.10', portNumber: 8080, resources: {}, securityContext: { ensureNonRoot: false } }],
      });
      services.push(deployment.exposeViaService({ name: `web-${d}`, ports: [{ port: 80, targetPort: 8080 }] }));
    }
  }
  return { app, chart, services, namespaces: namespaces(n) };
}

/** Builds the scenario's app; returns it (timed by the caller, with synthesis). */
const SCENARIOS = {
  // The LARGE tier's own size: N namespaces of Deployments and Services, default deny everywhere,
  // every Service tuned, pod DNS and pod sysctls over every workload, PolicyLint over the app.
  'realistic': (lib, cdk8s, prebuilt) => {
    const { app, services, namespaces: all } = prebuilt;
    const network = new cdk8s.Chart(app, 'network');
    const profile = new lib.ClusterProfile({ apiServerHost: '10.0.0.1' });
    const tier = lib.ScaleTier.LARGE;
    new lib.NetworkTuning(network, 'tuning', {
      tier,
      profile,
      defaultDeny: { namespaces: all, allowSameNamespace: true },
      services,
    });
    new lib.PodSysctlTuning(network, 'pod-sysctls', { appliesTo: app, tier, profile });
    new lib.PolicyLint(network, 'lint', { failOnErrors: false, tier, profile });
    return app;
  },
  // The whole guide for a large cluster, every workload on.
  'tuning-large': (lib, cdk8s) => {
    const app = new cdk8s.App();
    new lib.NetworkTuning(new cdk8s.Chart(app, 'network'), 'tuning', {
      tier: lib.ScaleTier.LARGE,
      profile: new lib.ClusterProfile({ apiServerHost: '10.0.0.1' }),
      // (no kubeProxy: the LARGE tier's Cilium replaces it)
      coreDns: { deploy: true, autoscaler: true },
      defaultDeny: { namespaces: namespaces(10), createNamespaces: true },
    });
    return app;
  },
  // Default deny with the DNS allowance for N namespaces.
  'deny': (lib, cdk8s) => {
    const app = new cdk8s.App();
    new lib.DefaultDenyPolicy(new cdk8s.Chart(app, 'policies'), 'deny', { namespaces: namespaces(size), createNamespaces: true });
    return app;
  },
  // Pod DNS tuning over N Deployments.
  'poddns': (lib, cdk8s) => {
    const app = new cdk8s.App();
    const chart = new cdk8s.Chart(app, 'apps');
    deployments(cdk8s, chart, size);
    new lib.PodDnsTuning(chart, 'dns', {});
    return app;
  },
  // The floor: the same objects as plain ApiObjects (read from the library run's output).
  'floor': (_lib, cdk8s) => {
    const charts = JSON.parse(fs.readFileSync(flag('--fixture'), 'utf8'));
    const app = new cdk8s.App();
    charts.forEach((objects, c) => {
      const chart = new cdk8s.Chart(app, `c${c}`);
      objects.forEach((o, i) => new cdk8s.ApiObject(chart, `o${i}`, o));
    });
    return app;
  },
  // The realistic scenario's floor with cdk8s-plus on both sides: the same cdk8s-plus user objects
  // (built untimed, like the library run's), the library's own objects as plain ApiObjects, and
  // the library's changes to user objects (pod DNS, sysctls, Service fields) as JSON patches, so
  // the YAML is byte for byte the library's.
  'floor-plus': (_lib, cdk8s, prebuilt) => {
    const { app, patches, library } = prebuilt;
    // The changes apply to each object's final JSON: a cdk8s-plus L1 converts its props through the
    // Kubernetes schema it was generated from (1.28 for cdk8s-plus-28) after addJsonPatch, which drops
    // newer fields such as spec.trafficDistribution and reorders what it keeps.
    for (const [obj, ops] of patches) {
      const toJson = obj.toJson.bind(obj);
      obj.toJson = () => cdk8s.JsonPatch.apply(toJson(), ...ops);
    }
    for (const { name, objects } of library) {
      const chart = new cdk8s.Chart(app, name);
      objects.forEach((o, i) => new cdk8s.ApiObject(chart, `o${i}`, o));
    }
    return app;
  },
  // cdk8s-plus-28's own NetworkPolicy: default deny plus DNS egress per namespace.
  'plus-deny': (_lib, cdk8s) => {
    const kplus = require('cdk8s-plus-28');
    const app = new cdk8s.App();
    const chart = new cdk8s.Chart(app, 'policies');
    const kubeDns = kplus.Pods.select(chart, 'kube-dns', { labels: { 'k8s-app': 'kube-dns' }, namespaces: kplus.Namespaces.select(chart, 'kube-system', { names: ['kube-system'] }) });
    for (const ns of namespaces(size)) {
      new kplus.Namespace(chart, `ns-${ns}`, { metadata: { name: ns } });
      new kplus.NetworkPolicy(chart, `deny-${ns}`, { metadata: { name: 'default-deny-all', namespace: ns } });
      const dns = new kplus.NetworkPolicy(chart, `dns-${ns}`, { metadata: { name: 'allow-dns-egress', namespace: ns } });
      dns.addEgressRule(kubeDns, [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
    }
    return app;
  },
};

/** JSON patches that turn `from` into `to` (objects recursed into, anything else replaced). */
function diff(cdk8s, from, to, path = '') {
  const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
  const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  if (!plain(from) || !plain(to)) return [cdk8s.JsonPatch.add(path, to)];
  const ops = [];
  for (const k of Object.keys(from)) if (!(k in to)) ops.push(cdk8s.JsonPatch.remove(`${path}/${esc(k)}`));
  for (const k of Object.keys(to)) ops.push(...(k in from ? diff(cdk8s, from[k], to[k], `${path}/${esc(k)}`) : [cdk8s.JsonPatch.add(`${path}/${esc(k)}`, to[k])]));
  return ops;
}

/** Untimed set-up of floor-plus: the user app, and what the library run changed and added. */
function floorPlus(cdk8s, n, charts) {
  const built = realisticApp(cdk8s, n);
  const userObjects = built.chart.node.findAll().filter((c) => c instanceof cdk8s.ApiObject);
  const after = charts[0];
  if (userObjects.length !== after.length) throw new Error('floor-plus: the library run added objects to the user chart');
  // chart.toJson() orders objects as cdk8s does; match them by kind, namespace and name
  const id = (o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  const final = new Map(after.map((o) => [id(o), o]));
  const patches = [];
  for (const obj of userObjects) {
    const json = obj.toJson();
    const ops = diff(cdk8s, json, final.get(id(json)));
    if (ops.length > 0) patches.push([obj, ops]);
  }
  // the library run's other chart ('network'), in the same place in the app
  return { ...built, patches, library: charts.slice(1).map((objects, i) => ({ name: `network${i ? i : ''}`, objects })) };
}

function main() {
  if (scenario === 'import-lib' || scenario === 'import-plus') {
    const start = process.hrtime.bigint();
    if (scenario === 'import-lib') require('..');
    else { require('cdk8s'); require('cdk8s-plus-28'); }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, objects: 0, bytes: 0 }));
    return;
  }
  const cdk8s = require('cdk8s');
  const lib = require('..');
  const build = SCENARIOS[scenario];
  if (!build) throw new Error(`unknown scenario ${scenario}`);
  const prebuilt = scenario === 'realistic' ? realisticApp(cdk8s, size)
    : scenario === 'floor-plus' ? floorPlus(cdk8s, size, JSON.parse(fs.readFileSync(flag('--fixture'), 'utf8'))) : undefined;
  const start = process.hrtime.bigint();
  const app = build(lib, cdk8s, prebuilt);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const charts = app.charts.map((c) => c.toJson());
  const fixture = flag('--write-fixture');
  if (fixture) fs.writeFileSync(fixture, JSON.stringify(charts));
  const objects = charts.reduce((n, c) => n + c.length, 0);
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, objects, bytes: yaml.length }));
}

if (require.main === module) main();
module.exports = { SCENARIOS, realisticApp, floorPlus };
