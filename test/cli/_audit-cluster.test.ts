import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/_main';

/*
 * The audit on a kubeadm cluster's own manifests (test/cli/fixtures/kubeadm-1.33: written for these
 * tests in the shape `kubeadm init` leaves them) and NodeLocal DNSCache rendered for each kube-proxy
 * mode as its task page says, then one planted fault per check: each must be named with its rule,
 * the object and the file.
 */

const FIXTURES = path.join(__dirname, 'fixtures');
const KUBEADM = path.join(FIXTURES, 'kubeadm-1.33');

/** The kubeadm fixture in a folder of its own, with edits (file -> text -> text) and extra files. */
function cluster(edits: Record<string, (text: string) => string> = {}, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cluster-'));
  for (const f of fs.readdirSync(KUBEADM)) {
    const text = fs.readFileSync(path.join(KUBEADM, f), 'utf8');
    fs.writeFileSync(path.join(dir, f), (edits[f] ?? ((t) => t))(text));
  }
  for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

/** node-local-dns rendered per the NodeLocal DNSCache task page for a kube-proxy mode. */
function nodeLocalDns(mode: 'iptables' | 'ipvs'): string {
  let text = fs.readFileSync(path.join(FIXTURES, 'node-local-dns.template.yaml'), 'utf8')
    .replace(/__PILLAR__LOCAL__DNS__/g, '169.254.20.10').replace(/__PILLAR__DNS__DOMAIN__/g, 'cluster.local');
  if (mode === 'ipvs') {
    // IPVS: node-cache must not bind the kube-dns IP (kube-ipvs0 holds it); the cluster zone goes to kube-dns
    text = text.replace(/,__PILLAR__DNS__SERVER__/g, '').replace(/ __PILLAR__DNS__SERVER__/g, '').replace(/__PILLAR__CLUSTER__DNS__/g, '10.96.0.10');
  } else {
    text = text.replace(/__PILLAR__DNS__SERVER__/g, '10.96.0.10');
  }
  return text;
}

const mode = (m: string) => (t: string) => t.replace('    mode: ""', `    mode: ${m}`);
const clusterDns = (ip: string) => (t: string) => t.replace('    - 10.96.0.10', `    - ${ip}`);

function audit(dir: string, ...flags: string[]) {
  let stdout = '';
  let stderr = '';
  const status = main(['audit', dir, '--format', 'json', ...flags], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  if (stderr) throw new Error(stderr);
  const result = JSON.parse(stdout);
  return { status, result, ids: result.findings.map((f: any) => `${f.severity} ${f.ruleId} ${f.object}`) as string[] };
}

describe('audit of a kubeadm cluster', () => {
  test('kubeadm 1.33 defaults: no finding; facts read from the manifests, zero values as kube-proxy reads them', () => {
    const { status, result, ids } = audit(cluster());
    expect({ status, ids }).toEqual({ status: 0, ids: [] });
    const fact = (name: string) => result.facts.find((f: any) => f.name === name);
    expect(fact('kubernetesVersion')).toMatchObject({ value: '1.33', unknown: false, from: expect.stringContaining('ConfigMap/kube-system/kubeadm-config ClusterConfiguration kubernetesVersion') });
    expect(fact('dnsServiceIp')).toMatchObject({ value: '10.96.0.10', from: expect.stringMatching(/^Service\/kube-system\/kube-dns spec.clusterIP \(.*coredns.yaml:\d+\)$/) });
    expect(fact('podCidr')).toMatchObject({ value: '10.244.0.0/16', unknown: false });
    expect(fact('apiServerHost')).toMatchObject({ value: '10.0.0.10', unknown: false });
    // mode "" is kube-proxy's iptables default; sizes nobody stated are named as unknown
    expect(fact('kubeProxy.mode')).toMatchObject({ value: 'iptables', from: expect.stringContaining('mode "" (kube-proxy\'s default on Linux: iptables)') });
    expect(result.facts.filter((f: any) => f.unknown).map((f: any) => f.name)).toEqual(['nodes', 'services', 'cpuCoresPerNode', 'nodesShareL2Segment', 'tier']);
    // 0s sync periods are kube-proxy's 30s and 1s, null conntrack fields 32768 per core, 131072, 24h, 1h: all the small tier's
    expect(result.tiers).toMatchObject({ resembles: 'small', target: 'small' });
    expect(result.tiers.deviations.map((d: any) => `${d.setting}=${d.cluster} (tier ${d.tier})`)).toEqual([
      'coreDns.cacheTtlSeconds=30 (tier 300)',
      'nodeLocalDns.enabled=false (tier true)',
    ]);
  });

  test('against a given tier, each deviation carries the tier table\'s reason', () => {
    const { result } = audit(cluster(), '--tier', 'large');
    expect(result.tiers).toMatchObject({ resembles: 'small', target: 'large', targetFrom: '--tier' });
    expect(result.tiers.deviations).toEqual(expect.arrayContaining([
      expect.objectContaining({ setting: 'kubeProxy.conntrackMaxPerCore', cluster: '32768', tier: '65536', reason: expect.stringMatching(/\S/) }),
      expect.objectContaining({ setting: 'kubeProxy.mode', cluster: 'iptables', tier: 'ipvs' }),
    ]));
  });

  test('NodeLocal DNSCache as rendered for iptables mode beside kube-proxy iptables: no finding', () => {
    const { status, ids, result } = audit(cluster({}, { 'node-local-dns.yaml': nodeLocalDns('iptables') }));
    expect({ status, ids }).toEqual({ status: 0, ids: [] });
    expect(result.facts.find((f: any) => f.name === 'nodeLocalDns.wiring').value).toBe('-localip 169.254.20.10,10.96.0.10');
    expect(result.tiers.deviations.map((d: any) => d.setting)).not.toContain('nodeLocalDns.enabled');
  });

  test('NodeLocal DNSCache as rendered for IPVS beside kube-proxy IPVS, kubelet pointing at it: no error', () => {
    const dir = cluster({ 'kube-proxy.yaml': mode('ipvs'), 'kubeadm-config.yaml': clusterDns('169.254.20.10') }, { 'node-local-dns.yaml': nodeLocalDns('ipvs') });
    const { status, ids } = audit(dir);
    expect({ status, errors: ids.filter((i) => i.startsWith('error')) }).toEqual({ status: 0, errors: [] });
  });

  test.each([
    ['NLD-MODE-MISMATCH: node-cache wired for iptables (binds the kube-dns IP) beside kube-proxy IPVS',
      { 'kube-proxy.yaml': mode('ipvs') }, { 'node-local-dns.yaml': nodeLocalDns('iptables') }, [], 'error NLD-MODE-MISMATCH DaemonSet/kube-system/node-local-dns'],
    ['KUBELET-CLUSTER-DNS: kubelet sends DNS where nothing listens (the link-local IP without node-local-dns)',
      { 'kubeadm-config.yaml': clusterDns('169.254.20.10') }, {}, [], 'error KUBELET-CLUSTER-DNS ConfigMap/kube-system/kubelet-config'],
    ['KUBELET-CLUSTER-DNS: pods bypass node-cache wired for IPVS (kubelet still on the kube-dns IP)',
      { 'kube-proxy.yaml': mode('ipvs') }, { 'node-local-dns.yaml': nodeLocalDns('ipvs') }, [], 'warning KUBELET-CLUSTER-DNS ConfigMap/kube-system/kubelet-config'],
    ['NLD-LINK-LOCAL-ONLY: node-cache on the link-local IP alone beside kube-proxy iptables',
      { 'kubeadm-config.yaml': clusterDns('169.254.20.10') }, { 'node-local-dns.yaml': nodeLocalDns('ipvs') }, [], 'warning NLD-LINK-LOCAL-ONLY DaemonSet/kube-system/node-local-dns'],
    ['KUBE-PROXY-CONFIG: the construct\'s check, named by the KubeProxyConfiguration field',
      { 'kube-proxy.yaml': (t: string) => t.replace('      minSyncPeriod: 0s\n      syncPeriod: 0s\n    ipvs:', '      minSyncPeriod: 45s\n      syncPeriod: 0s\n    ipvs:') }, {}, [],
      'error KUBE-PROXY-CONFIG ConfigMap/kube-system/kube-proxy'],
    ['KUBE-PROXY-CONFIG: a value kube-proxy cannot parse',
      { 'kube-proxy.yaml': (t: string) => mode('ipvs')(t).replace('strictARP: false', 'strictARP: "yes"') }, {}, [], 'error KUBE-PROXY-CONFIG ConfigMap/kube-system/kube-proxy'],
    ['KUBE-PROXY-CONFIG: an unknown mode', { 'kube-proxy.yaml': mode('userspace') }, {}, [], 'error KUBE-PROXY-CONFIG ConfigMap/kube-system/kube-proxy'],
    ['DEPRECATED-KUBE-PROXY-IPVS: IPVS on 1.35 (the version read from kube-proxy\'s image)',
      { 'kube-proxy.yaml': (t: string) => mode('ipvs')(t).replace('v1.33.4', 'v1.35.1'), 'kubeadm-config.yaml': (t: string) => t.replace('v1.33.4', 'v1.35.1') }, {}, [],
      'warning DEPRECATED-KUBE-PROXY-IPVS ConfigMap/kube-system/kube-proxy'],
    ['AUDIT-FACT-CONFLICT: a flag that disagrees with the manifests', {}, {}, ['--kubernetes-version', '1.30'], 'warning AUDIT-FACT-CONFLICT (cluster)'],
    ['AUDIT-FACT-CONFLICT: two manifests that disagree', { 'kube-proxy.yaml': (t: string) => t.replace('v1.33.4', 'v1.32.0') }, {}, [],
      'warning AUDIT-FACT-CONFLICT DaemonSet/kube-system/kube-proxy'],
    ['COREDNS-COREFILE: a Corefile CoreDNS refuses', { 'coredns.yaml': (t: string) => t.replace('        loadbalance\n    }', '        loadbalance\n') }, {}, [],
      'error COREDNS-COREFILE ConfigMap/kube-system/coredns'],
    ['NODE-LOCAL-DNS-COREFILE: a node-cache Corefile that does not parse', {}, { 'node-local-dns.yaml': nodeLocalDns('iptables').replace('        prometheus :9253\n    }\n', '        prometheus :9253\n') }, [],
      'error NODE-LOCAL-DNS-COREFILE ConfigMap/kube-system/node-local-dns'],
  ])('%s', (_what, edits, extra, flags, expected) => {
    const { status, ids } = audit(cluster(edits as Record<string, (t: string) => string>, extra as Record<string, string>), ...(flags as string[]));
    expect(ids).toContain(expected);
    expect(status).toBe(expected.startsWith('error') ? 1 : 0);
  });

  test('construction errors name the manifest field and keep the library\'s rule text', () => {
    const dir = cluster({ 'kube-proxy.yaml': (t: string) => t.replace('      minSyncPeriod: 0s\n      syncPeriod: 0s\n    ipvs:', '      minSyncPeriod: 45s\n      syncPeriod: 0s\n    ipvs:') });
    const f = audit(dir).result.findings.find((x: any) => x.ruleId === 'KUBE-PROXY-CONFIG');
    expect(f).toMatchObject({ message: "'iptables.minSyncPeriod' (45s) must be <= 'iptables.syncPeriod' (30s)", file: path.join(dir, 'kube-proxy.yaml'), line: 2 });
    const excluded = cluster({ 'kube-proxy.yaml': (t: string) => mode('ipvs')(t).replace('excludeCIDRs: null', 'excludeCIDRs: [10.0.0.0/33]') });
    expect(audit(excluded).result.findings.find((x: any) => x.ruleId === 'KUBE-PROXY-CONFIG').message).toMatch(/^'ipvs\.excludeCIDRs\[0\]' \(10\.0\.0\.0\/33\)/);
  });

  test('kube-proxy without its ConfigMap is named, not passed', () => {
    const dir = cluster({ 'kube-proxy.yaml': (t: string) => t.slice(t.indexOf('apiVersion: apps/v1')) });
    expect(audit(dir).ids).toContain('warning AUDIT-MISSING DaemonSet/kube-system/kube-proxy');
  });
});

describe('audit of CNI configuration', () => {
  const ciliumRelease = (values: object) => [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-values\n  namespace: flux-system\ndata:\n  values.yaml: |\n'
      + JSON.stringify(values).replace(/^/gm, '    '),
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: flux-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.2\n'
      + '  valuesFrom:\n  - kind: ConfigMap\n    name: cilium-values\n',
  ].join('\n---\n');
  const KPR = { kubeProxyReplacement: true, k8sServiceHost: '10.0.0.10', k8sServicePort: 6443, routingMode: 'tunnel', tunnelProtocol: 'vxlan' };
  const noKubeProxy = { 'kube-proxy.yaml': () => '' };

  test('Cilium with kube-proxy replacement, kube-proxy gone: no error; Cilium is the data plane the checks use', () => {
    const { status, ids } = audit(cluster(noKubeProxy, { 'cilium.yaml': ciliumRelease(KPR) }));
    expect({ status, errors: ids.filter((i) => i.startsWith('error')) }).toEqual({ status: 0, errors: [] });
  });

  test('EBPF-REPLACES-KUBE-PROXY: kube-proxy still runs beside Cilium\'s replacement', () => {
    expect(audit(cluster({}, { 'cilium.yaml': ciliumRelease(KPR) })).ids).toEqual(expect.arrayContaining([expect.stringMatching(/^error EBPF-REPLACES-KUBE-PROXY /)]));
  });

  test('CILIUM-KUBE-PROXY-IPVS: Cilium without its replacement beside kube-proxy IPVS', () => {
    const values = { kubeProxyReplacement: false, routingMode: 'tunnel', tunnelProtocol: 'vxlan' };
    expect(audit(cluster({ 'kube-proxy.yaml': mode('ipvs') }, { 'cilium.yaml': ciliumRelease(values) })).ids.join('\n')).toMatch(/CILIUM-KUBE-PROXY-IPVS/);
  });

  test('AUDIT-UNKNOWN-FACT: Cilium\'s replacement needs the API server, which no manifest or flag names', () => {
    const { k8sServiceHost: _host, ...values } = KPR;
    const dir = cluster({ ...noKubeProxy, 'kubeadm-config.yaml': (t: string) => t.replace('    controlPlaneEndpoint: 10.0.0.10:6443\n', '') }, { 'cilium.yaml': ciliumRelease(values) });
    expect(audit(dir).ids).toContain('warning AUDIT-UNKNOWN-FACT HelmRelease/flux-system/cilium');
    expect(audit(dir, '--api-server-host', '10.0.0.10').ids.filter((i) => i.includes('AUDIT-UNKNOWN-FACT'))).toEqual([]);
  });

  test('DNS-PATH: under Cilium, an ipBlock for the node-local address does not let DNS through (host identity)', () => {
    const policy = (name: string, spec: object) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
    const policies = [
      policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] }),
    ].join('\n---\n');
    const ipvsDns = nodeLocalDns('ipvs');
    const dir = cluster({ ...noKubeProxy, 'kubeadm-config.yaml': clusterDns('169.254.20.10') }, { 'cilium.yaml': ciliumRelease(KPR), 'node-local-dns.yaml': ipvsDns, 'policies.yaml': policies });
    const ids = audit(dir).ids;
    expect(ids.some((i) => /^error (DNS-PATH|NP006) NetworkPolicy\/shop\//.test(i))).toBe(true);
  });

  test('CNI-POLICY-UNENFORCED: NetworkPolicies on Flannel', () => {
    const flannel = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-flannel-cfg\n  namespace: kube-flannel\ndata:\n  net-conf.json: |\n    {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}\n';
    const policy = JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    expect(audit(cluster({}, { 'flannel.yaml': flannel, 'policy.yaml': policy })).ids.join('\n')).toMatch(/CNI-POLICY-UNENFORCED/);
  });

  test('Calico: an IP pool too small for the nodes stated by flag is the capacity check\'s error', () => {
    const pool = 'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata:\n  name: default-ipv4-ippool\nspec:\n  cidr: 10.244.0.0/22\n  blockSize: 26\n  vxlanMode: Always\n  ipipMode: Never\n  natOutgoing: true\n';
    const dir = cluster({ 'kubeadm-config.yaml': (t: string) => t.replace('podSubnet: 10.244.0.0/16', 'podSubnet: 10.244.0.0/22') }, { 'calico.yaml': pool });
    const { ids, result } = audit(dir, '--nodes', '500');
    expect(ids.some((i) => /^error \S+ IPPool\/default-ipv4-ippool$/.test(i))).toBe(true);
    expect(result.tiers.matches).toBeDefined();
  });
});

describe('audit output', () => {
  test('SARIF 2.1.0: one result per finding, at its file and line, with the rule listed', () => {
    const dir = cluster({ 'kube-proxy.yaml': mode('ipvs') }, { 'node-local-dns.yaml': nodeLocalDns('iptables') });
    let out = '';
    expect(main(['audit', dir, '--format', 'sarif'], { stdout: (t) => { out += t; }, stderr: () => undefined })).toBe(1);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const result = run.results.find((r: any) => r.ruleId === 'NLD-MODE-MISMATCH');
    expect(result).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: `${dir}/node-local-dns.yaml` }, region: { startLine: expect.any(Number) } } }] });
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('NLD-MODE-MISMATCH');
    expect(run.tool.driver.name).toBe('cdk8s-network-tuning');
  });

  test('markdown and text show the facts, the unknown ones and the tier comparison', () => {
    let md = '';
    main(['audit', cluster(), '--format', 'markdown'], { stdout: (t) => { md += t; }, stderr: () => undefined });
    expect(md).toContain('## Facts');
    expect(md).toMatch(/\| nodes \| the tier's upper bound \| \*\*unknown\*\*: /);
    expect(md).toContain('## Tier comparison');
    expect(md).toContain('| coreDns.cacheTtlSeconds | 30 | 300 |');
    let text = '';
    main(['audit', cluster()], { stdout: (t) => { text += t; }, stderr: () => undefined });
    expect(text).toContain('unknown facts (the library\'s defaults were used): nodes = ');
    expect(text).toMatch(/resembles the small tier \(small \d+, medium \d+, large \d+ of \d+ settings the tiers differ in\)/);
  });
});
