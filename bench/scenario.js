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

/** Builds the scenario's app; returns it (timed by the caller, with synthesis). */
const SCENARIOS = {
  // The whole guide for a large cluster, every workload on.
  'tuning-large': (lib, cdk8s) => {
    const app = new cdk8s.App();
    new lib.NetworkTuning(new cdk8s.Chart(app, 'network'), 'tuning', {
      tier: lib.ScaleTier.LARGE,
      profile: new lib.ClusterProfile({ apiServerHost: '10.0.0.1' }),
      kubeProxy: { deployDaemonSet: true },
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
  const start = process.hrtime.bigint();
  const app = build(lib, cdk8s);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const charts = app.charts.map((c) => c.toJson());
  const fixture = flag('--write-fixture');
  if (fixture) fs.writeFileSync(fixture, JSON.stringify(charts));
  const objects = charts.reduce((n, c) => n + c.length, 0);
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, objects, bytes: yaml.length }));
}

main();
