import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { main } from '../../src/cli/_main';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));

function run(args: string[], isTty = false) {
  let stdout = '';
  let stderr = '';
  const status = main(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTty });
  return { status, stdout, stderr };
}

function inventory(doc: object): string {
  const file = path.join(tmp(), 'clusters.yaml');
  fs.writeFileSync(file, Yaml.stringify(doc));
  return file;
}

const GITOPS = { repoURL: 'https://git.example.com/platform/network.git', path: 'fleet' };
const PROD = { name: 'prod-eu-1', server: 'https://prod-eu-1.example.com:6443', tier: 'large', profile: { apiServerHost: '10.0.0.10' } };
const STAGING = { name: 'staging', server: 'https://staging.example.com:6443', profile: { apiServerHost: '10.1.0.10' } };

describe('synth --inventory', () => {
  test('Argo CD: a folder per cluster, as synth writes it for the same properties, and one ApplicationSet', () => {
    const out = tmp();
    const file = inventory({ defaults: { tier: 'medium', profile: { kubernetesVersion: '1.33' } }, clusters: [PROD, STAGING], gitops: GITOPS });
    const r = run(['synth', '--inventory', file, '-o', out], true);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote 2 clusters \(\d+ files\) to .*: prod-eu-1, staging\n/);
    // a progress line per cluster on a terminal
    expect(r.stderr.split('\n').filter((l) => /^\[\d\/2\] /.test(l))).toEqual([expect.stringMatching(/^\[1\/2\] prod-eu-1: \d+ files$/), expect.stringMatching(/^\[2\/2\] staging: \d+ files$/)]);
    // the cluster's folder holds what `synth` writes for its merged properties (defaults under the cluster's own),
    // the objects that need another install (the Prometheus Operator's kinds, its namespace) apart in addons/
    const config = path.join(tmp(), 'staging.yaml');
    fs.writeFileSync(config, Yaml.stringify({ tier: 'medium', profile: { kubernetesVersion: '1.33', apiServerHost: '10.1.0.10' } }));
    const single = tmp();
    expect(run(['synth', '--config', config, '-o', single]).status).toBe(0);
    const all = Yaml.load(path.join(single, 'network.k8s.yaml'));
    const needsInstall = (d: any) => d.apiVersion.startsWith('monitoring.coreos.com/') || d.metadata.namespace === 'monitoring';
    expect(Yaml.load(path.join(out, 'staging', 'network.k8s.yaml'))).toEqual(all.filter((d: any) => !needsInstall(d)));
    expect(Yaml.load(path.join(out, 'staging', 'addons', 'monitoring', 'network.k8s.yaml'))).toEqual(all.filter(needsInstall));
    expect(all.filter(needsInstall).map((d: any) => d.kind)).toEqual(expect.arrayContaining(['PrometheusRule', 'ServiceMonitor', 'ConfigMap']));
    // the CNI's own kinds stay with kube-proxy's configuration: the cluster has its CNI by definition
    expect(Yaml.load(path.join(out, 'staging', 'network.k8s.yaml')).map((d: any) => d.kind)).toEqual(expect.arrayContaining(['FelixConfiguration', 'IPPool']));
    // the large cluster is large (Cilium values), the other medium
    expect(fs.existsSync(path.join(out, 'prod-eu-1', 'helm', 'cilium-values.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'staging', 'helm'))).toBe(false);
    const [appSet] = Yaml.load(path.join(out, '_gitops', 'argocd-applicationset.yaml'));
    // an Application per cluster for its tuning, and one per install its other objects wait on, each synced on its own
    const element = (c: { name: string; server: string }, part: string) => ({
      app: `network-tuning-${c.name}${part === 'tuning' ? '' : `-${part}`}`, cluster: c.name, part, path: `fleet/${c.name}${part === 'tuning' ? '' : `/addons/${part}`}`, project: 'default', server: c.server,
    });
    expect(appSet).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { namespace: 'argocd' },
      spec: {
        generators: [{ list: { elements: [element(PROD, 'tuning'), element(PROD, 'monitoring'), element(STAGING, 'tuning'), element(STAGING, 'monitoring')] } }],
        template: {
          metadata: { name: '{{.app}}' },
          spec: { project: '{{.project}}', source: { repoURL: GITOPS.repoURL, targetRevision: 'main', path: '{{.path}}' }, destination: { server: '{{.server}}' } },
        },
      },
    });
    // the fleet's prerequisites, summed
    expect(r.stdout).toContain('  needs CRD monitoring.coreos.com/v1: the Prometheus Operator (kube-prometheus-stack installs its CRDs) (every cluster)\n');
    expect(r.stdout).toMatch(/ {2}needs CRD projectcalico\.org\/v3: .* \(1 of 2 clusters: staging\)\n/);
    // retried without end: an automated sync that failed before the CRDs were installed converges once they are
    expect(appSet.spec.template.spec.syncPolicy).toEqual({ syncOptions: ['ServerSideApply=true'], retry: { limit: -1, backoff: { duration: '1m', factor: 2, maxDuration: '15m' } } });
    // an include pattern survives Argo CD's normalization (a bare directory: {} would not) and keeps the node files out
    expect(appSet.spec.template.spec.source.directory).toEqual({ include: '*.k8s.yaml' });
    expect(appSet.spec.template.metadata.labels).toMatchObject({ 'cdk8s-network-tuning/cluster': '{{.cluster}}', 'cdk8s-network-tuning/part': '{{.part}}' });
    // no YAML anchors: every object is written out
    expect(fs.readFileSync(path.join(out, '_gitops', 'argocd-applicationset.yaml'), 'utf8')).not.toMatch(/[&*]a\d/);
  });

  test('Flux: a Kustomization per cluster, and a kustomization.yaml listing only the manifests', () => {
    const out = tmp();
    const file = inventory({ clusters: [{ name: 'edge', kubeConfigSecret: 'edge-kubeconfig' }], gitops: { ...GITOPS, engine: 'flux', path: './fleet/' } });
    const r = run(['synth', '--inventory', file, '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('['))).toEqual(expect.not.arrayContaining([expect.stringMatching(/^\[1\/1\]/)]));
    const top = fs.readdirSync(path.join(out, 'edge')).filter((f) => f.endsWith('.k8s.yaml'));
    expect(Yaml.load(path.join(out, 'edge', 'kustomization.yaml'))).toEqual([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: top }]);
    expect(Yaml.load(path.join(out, 'edge', 'addons', 'monitoring', 'kustomization.yaml'))).toEqual([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['network.k8s.yaml'] }]);
    const docs = Yaml.load(path.join(out, '_gitops', 'flux-kustomizations.yaml'));
    expect(docs).toEqual([expect.objectContaining({
      kind: 'Kustomization',
      metadata: expect.objectContaining({ name: 'network-tuning-edge', namespace: 'flux-system' }),
      spec: expect.objectContaining({ path: './fleet/edge', kubeConfig: { secretRef: { name: 'edge-kubeconfig' } }, sourceRef: { kind: 'GitRepository', name: 'network-tuning' } }),
    }), expect.objectContaining({
      metadata: expect.objectContaining({ name: 'network-tuning-edge-monitoring' }),
      // after the tuning it watches, on the same cluster; not waiting for rollouts (see gitOpsFiles)
      spec: expect.objectContaining({ path: './fleet/edge/addons/monitoring', dependsOn: [{ name: 'network-tuning-edge' }], kubeConfig: { secretRef: { name: 'edge-kubeconfig' } } }),
    })]);
    expect(docs[0].spec.dependsOn).toBeUndefined();
    expect(docs[0].spec.wait).toBeUndefined();
    expect(Yaml.load(path.join(out, '_gitops', 'flux-gitrepository.yaml'))[0]).toMatchObject({ kind: 'GitRepository', spec: { url: GITOPS.repoURL, ref: { branch: 'main' } } });
    // the same folder later rolled out by Argo CD: no kustomization.yaml turns it to Kustomize, no Flux objects roll it out twice
    const argo = run(['synth', '--inventory', inventory({ clusters: [{ name: 'edge', server: 'https://edge:6443' }], gitops: { ...GITOPS, path: './fleet/' } }), '-o', out]);
    expect(argo.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'edge', 'kustomization.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'edge', 'addons', 'monitoring', 'kustomization.yaml'))).toBe(false);
    expect(fs.readdirSync(path.join(out, '_gitops'))).toEqual(['argocd-applicationset.yaml']);

  });

  test.each([
    ['an upper-case name', { clusters: [PROD, { ...STAGING, name: 'Prod-EU-1' }] }, "'clusters[1].name' (Prod-EU-1) must be a DNS label"],
    ['two clusters of one name', { clusters: [PROD, { ...STAGING, name: 'prod-eu-1' }] }, "'clusters[1].name' (prod-eu-1) is already the name of clusters[0]"],
    ['two clusters rolled out to one server', { clusters: [PROD, { ...STAGING, server: PROD.server }], gitops: GITOPS }, "'clusters[1]' rolls out to server https://prod-eu-1.example.com:6443, as clusters[0] does"],
    ['server and destinationName mixed', { clusters: [PROD, { name: 'b', destinationName: 'b' }], gitops: GITOPS }, "'clusters' mix 'server' and 'destinationName'"],
    ['an Argo CD server under Flux', { clusters: [PROD], gitops: { ...GITOPS, engine: 'flux' } }, "'clusters[0].server' is an Argo CD destination"],
    ['no repoURL', { clusters: [PROD], gitops: { path: 'fleet' } }, "'gitops.repoURL' is required"],
    ['a path outside the repository', { clusters: [PROD], gitops: { ...GITOPS, path: '../elsewhere' } }, "'gitops.path' (../elsewhere) must be a path inside the repository"],
    ['a cluster without a destination (it would roll out to Argo CD\'s own cluster)', { clusters: [PROD, { name: 'lost' }], gitops: GITOPS }, "'clusters[1].server' is required with gitops"],
    ['one server written two ways', { clusters: [PROD, { ...STAGING, server: 'HTTPS://Prod-EU-1.example.com:6443/' }], gitops: GITOPS }, "'clusters[1]' rolls out to server https://prod-eu-1.example.com:6443, as clusters[0] does"],
    ['a server that is not https', { clusters: [{ ...PROD, server: 'prod-eu-1:6443' }], gitops: GITOPS }, "'clusters[0].server' (prod-eu-1:6443) must be an https URL"],
    ['a Flux cluster without kubeConfigSecret', { clusters: [{ name: 'edge' }], gitops: { ...GITOPS, engine: 'flux' } }, "'clusters[0].kubeConfigSecret' is required with gitops"],
    ['a name too long for the label the engines write', { clusters: [{ ...PROD, name: 'a'.repeat(50) }], gitops: GITOPS }, 'label values hold 63 at most'],
    ['a name too long once its addons Application is named', { clusters: [{ ...PROD, name: 'a'.repeat(40) }], gitops: GITOPS }, `makes the Application name network-tuning-${'a'.repeat(40)}-monitoring (66 characters) for its addons`],
    ['a gitops name the engines refuse', { clusters: [PROD], gitops: { ...GITOPS, name: 'Network_Tuning' } }, "'gitops.name' (Network_Tuning) must be a DNS label"],
    ['no cluster', { clusters: [] }, "'clusters' ([]) must list at least one cluster"],
    ['an unknown key', { clusters: [PROD], extra: 1 }, "'extra' is not an inventory key"],
    ['a misspelled property', { clusters: [PROD, { ...STAGING, coreDns: { cacheTTL: 30 } }] }, "'clusters[1].coreDns.cacheTTL' is not a property of TunedCoreDnsOptions"],
    ['a bad profile value', { clusters: [PROD, { ...STAGING, profile: { podCidr: '10.32.0.1/12' } }] }, "[inventory FILE] 'clusters[1].profile.podCidr' (10.32.0.1/12) has host bits set"],
    ['a component check failing on a default', { defaults: { kubeProxy: { iptables: { minSyncPeriod: '45s' } } }, clusters: [STAGING] }, "[inventory FILE] 'defaults.kubeProxy.iptables.minSyncPeriod' (45s) must be <= 'iptables.syncPeriod' (30s)"],
    ['the same check on the cluster\'s own value', { defaults: { kubeProxy: { iptables: { minSyncPeriod: '1s' } } }, clusters: [{ ...STAGING, kubeProxy: { iptables: { minSyncPeriod: '45s' } } }] }, "[inventory FILE] 'clusters[0].kubeProxy.iptables.minSyncPeriod' (45s) must be <="],
    ['a profile default', { defaults: { profile: { nodes: 0 } }, clusters: [STAGING] }, "[inventory FILE] 'defaults.profile.nodes' (0) must be"],
    ['a Flux pin under Argo CD', { clusters: [PROD], gitops: { ...GITOPS, tag: 'v1.2.0' } }, "'gitops.tag' is Flux's: Argo CD takes a branch, a tag or a commit in 'revision'"],
    ['two Flux pins', { clusters: [{ name: 'edge', kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', tag: 'v1', semver: '>=1.0.0' } }, "'gitops.tag' and 'semver' are alternatives"],
    ['a branch beside a tag', { clusters: [{ name: 'edge', kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', tag: 'v1', revision: 'main' } }, "'gitops.revision' and 'gitops.tag' are alternatives"],
    ['a short commit', { clusters: [{ name: 'edge', kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', commit: 'abc123' } }, "'gitops.commit' (abc123) must be a full commit SHA"],
    ['repository credentials under Argo CD', { clusters: [PROD], gitops: { ...GITOPS, secretRef: 'git-creds' } }, "'gitops.secretRef' is Flux's"],
    ['an Argo CD project under Flux', { clusters: [{ name: 'edge', kubeConfigSecret: 'none', project: 'net' }], gitops: { ...GITOPS, engine: 'flux' } }, "'clusters[0].project' is Argo CD's (the Applications' AppProject)"],
    ['a project Argo CD cannot name', { clusters: [{ ...PROD, project: 'Net Ops' }], gitops: GITOPS }, "'clusters[0].project' (\"Net Ops\") must be an Argo CD AppProject name"],
  ])('bad inventories exit 2 and write nothing: %s', (_what, doc, message) => {
    const out = path.join(tmp(), 'out');
    const file = inventory(doc);
    const r = run(['synth', '--inventory', file, '-o', out]);
    expect(r.stderr).toContain(message.replace('FILE', file));
    expect(r.status).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a file where a cluster\'s folder goes fails before anything is written', () => {
    const out = tmp();
    fs.writeFileSync(path.join(out, 'staging'), 'not a folder');
    const r = run(['synth', '--inventory', inventory({ clusters: [PROD, STAGING] }), '-o', out]);
    expect(r).toMatchObject({ status: 2, stderr: expect.stringContaining('staging: in the way (a file where a folder goes, a folder where a file goes, or a kustomization.yaml this tool did not write): nothing was written') });
    expect(fs.readdirSync(out)).toEqual(['staging']);
  });

  test('the repository\'s root as gitops.path, a name prefix, Flux\'s own cluster written out, and leftovers named', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'retired'));
    const r = run(['synth', '--inventory', inventory({ clusters: [{ name: STAGING.name, profile: STAGING.profile, kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', path: './', name: 'net-eu' } }), '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('were not written by this run (clusters removed from the inventory? old node files?): retired/');
    const [k] = Yaml.load(path.join(out, '_gitops', 'flux-kustomizations.yaml'));
    expect(k.metadata.name).toBe('net-eu-staging');
    expect(k.spec.path).toBe('./staging');
    expect(k.spec.kubeConfig).toBeUndefined();
  });

  test('flags that set one cluster do not combine with --inventory', () => {
    const r = run(['synth', '--inventory', inventory({ clusters: [STAGING] }), '--tier', 'large']);
    expect(r).toMatchObject({ status: 2, stderr: expect.stringContaining("'--tier' does not combine with '--inventory'") });
  });

  test('warnings are named by their cluster, and summed up by rule across the fleet', () => {
    const out = tmp();
    // the tests run with warnings silenced (test/setup.ts); the CLI's default is to print them
    const mode = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
    process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'print';
    // no apiServerHost: kube-proxy's ConfigMap has no kubeconfig.conf (KP-NO-KUBECONFIG) on that cluster only
    let r: ReturnType<typeof run>;
    try {
      r = run(['synth', '--inventory', inventory({ clusters: [STAGING, { name: 'lab', server: 'https://lab:6443' }] }), '-o', out]);
    } finally {
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = mode;
    }
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^\[lab\] warning KP-NO-KUBECONFIG \[network\/tuning\/KubeProxy\]: /m);
    expect(r.stderr).not.toMatch(/^\[staging\] warning KP-NO-KUBECONFIG/m);
    expect(r.stdout).toContain('  warning KP-NO-KUBECONFIG: 1 of 2 clusters (lab)\n');
  });
});

describe('synth --inventory keeps people\'s files', () => {
  test('a kustomization.yaml this tool did not write is never overwritten (Flux) or deleted (Argo CD)', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'edge'));
    fs.writeFileSync(path.join(out, 'edge', 'kustomization.yaml'), 'resources:\n- ../../overlays/cdk8s-network-tuning-extra\n');
    const flux = run(['synth', '--inventory', inventory({ clusters: [{ name: 'edge', kubeConfigSecret: 'edge-kubeconfig' }], gitops: { ...GITOPS, engine: 'flux' } }), '-o', out]);
    expect(flux).toMatchObject({ status: 2, stderr: expect.stringContaining('a kustomization.yaml this tool did not write') });
    const argo = run(['synth', '--inventory', inventory({ clusters: [{ name: 'edge', server: 'https://edge:6443' }], gitops: GITOPS }), '-o', out]);
    expect(argo.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'edge', 'kustomization.yaml'), 'utf8')).toContain('overlays');
  });

  test('a mistyped CDK8S_NETWORK_TUNING_WARNINGS fails as the library makes it fail', () => {
    const mode = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
    process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'eror';
    try {
      expect(run(['synth', '--inventory', inventory({ clusters: [STAGING] }), '-o', tmp()])).toMatchObject({ status: 2, stderr: expect.stringContaining("'CDK8S_NETWORK_TUNING_WARNINGS' (eror) must be one of") });
    } finally {
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = mode;
    }
  });
});

describe('synth --inventory: refs, projects and defaults', () => {
  test('Flux pins a tag or a commit and reads credentials from secretRef; Argo CD clusters may have projects of their own', () => {
    const flux = tmp();
    const commit = 'c0ffee'.padEnd(40, '0');
    expect(run(['synth', '--inventory', inventory({ clusters: [{ name: 'edge', kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', commit, revision: 'release', secretRef: 'git-creds' } }), '-o', flux]).status).toBe(0);
    expect(Yaml.load(path.join(flux, '_gitops', 'flux-gitrepository.yaml'))[0].spec).toEqual({
      interval: '5m', url: GITOPS.repoURL, ref: { commit, branch: 'release' }, secretRef: { name: 'git-creds' },
    });
    const tagged = tmp();
    expect(run(['synth', '--inventory', inventory({ clusters: [{ name: 'edge', kubeConfigSecret: 'none' }], gitops: { ...GITOPS, engine: 'flux', tag: 'v1.4.0' } }), '-o', tagged]).status).toBe(0);
    expect(Yaml.load(path.join(tagged, '_gitops', 'flux-gitrepository.yaml'))[0].spec.ref).toEqual({ tag: 'v1.4.0' });
    const argo = tmp();
    expect(run(['synth', '--inventory', inventory({ clusters: [{ ...PROD, project: 'network-prod' }, STAGING], gitops: GITOPS }), '-o', argo]).status).toBe(0);
    const [appSet] = Yaml.load(path.join(argo, '_gitops', 'argocd-applicationset.yaml'));
    expect(appSet.spec.generators[0].list.elements.map((e: any) => `${e.app} ${e.project}`)).toEqual([
      'network-tuning-prod-eu-1 network-prod', 'network-tuning-prod-eu-1-monitoring network-prod', 'network-tuning-staging default', 'network-tuning-staging-monitoring default',
    ]);
  });

  test('a cluster with nothing that needs another install has one Application; without gitops the folders are what synth writes', () => {
    const out = tmp();
    // no alerts: Flannel's ConfigMap in kube-flannel stays (the CNI's namespace exists with the CNI)
    const lean = { ...STAGING, tier: 'small', skip: ['alerts'] };
    const r = run(['synth', '--inventory', inventory({ clusters: [lean], gitops: GITOPS }), '-o', out]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'staging', 'addons'))).toBe(false);
    expect(Yaml.load(path.join(out, '_gitops', 'argocd-applicationset.yaml'))[0].spec.generators[0].list.elements.map((e: any) => e.app)).toEqual(['network-tuning-staging']);
    expect(r.stdout).not.toContain('needs CRD');
    const plain = tmp();
    expect(run(['synth', '--inventory', inventory({ clusters: [STAGING] }), '-o', plain]).status).toBe(0);
    expect(fs.existsSync(path.join(plain, 'staging', 'addons'))).toBe(false);
  });

  test('a bad default is one problem, named under defaults, with every cluster it fails', () => {
    const types = run(['synth', '--inventory', inventory({ defaults: { coreDns: { cacheTTL: 30 } }, clusters: [PROD, STAGING] }), '-o', path.join(tmp(), 'out')]);
    expect(types.status).toBe(2);
    expect(types.stderr.match(/cacheTTL/g)).toHaveLength(1);
    expect(types.stderr).toContain("'defaults.coreDns.cacheTTL' is not a property of TunedCoreDnsOptions");
    const check = run(['synth', '--inventory', inventory({ defaults: { kubeProxy: { iptables: { minSyncPeriod: '45s' } } }, clusters: [{ ...PROD, tier: 'medium' }, STAGING] }), '-o', path.join(tmp(), 'out')]);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('2 of 2 clusters failed; nothing was written:\nprod-eu-1, staging:\n');
    expect(check.stderr.match(/defaults\.kubeProxy\.iptables\.minSyncPeriod/g)).toHaveLength(1);
  });
});

test('defaults are named by the schema: a component from the defaults whole, a map entry as its construct names it', () => {
  const whole = run(['synth', '--inventory', inventory({ defaults: { kubeProxy: { iptables: { minSyncPeriod: '45s' } } }, clusters: [STAGING] }), '-o', path.join(tmp(), 'o')]);
  expect(whole.stderr).toContain("'defaults.kubeProxy.iptables.minSyncPeriod' (45s) must be <=");
  // both set sysctls: the cluster's own entry is the cluster's, the defaults' entry the defaults'
  const map = run(['synth', '--inventory', inventory({
    defaults: { sysctls: { sysctls: { 'net.ipv4.tcp_fin_timeout': 'x' } } },
    clusters: [{ ...STAGING, sysctls: { sysctls: { 'net.core.somaxconn': '4096' } } }],
  }), '-o', path.join(tmp(), 'o')]);
  expect(map.status).toBe(2);
  expect(map.stderr).toContain("'defaults.sysctls.sysctls[net.ipv4.tcp_fin_timeout]' (x)");
});
