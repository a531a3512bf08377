import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Corefile, PolicyLint } from '../../src';
import { coreDnsProps } from '../../src/cli/_audit-coredns';
import { ciliumProps, ciliumValuesProps } from '../../src/cli/_audit-facts';
import { main } from '../../src/cli/_main';
import { CROSS_COMPONENT_RULES } from '../../src/rules/_all';

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
  for (const [f, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
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
    expect(result).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: `file://${dir}/node-local-dns.yaml` }, region: { startLine: expect.any(Number) } } }] });
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

/** A folder of manifests: file -> objects (written as JSON documents, which YAML reads). */
function manifests(files: Record<string, object[] | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-set-'));
  for (const [f, docs] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), typeof docs === 'string' ? docs : docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  }
  return dir;
}

const cm = (name: string, data: Record<string, string>, namespace = 'kube-system') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
const svc = (name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'kube-system' }, spec: { clusterIP: ip, selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] } });
const kubelet = (dns: string, domain = 'cluster.local') => ({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', clusterDNS: [dns], clusterDomain: domain });
function cache(name: string, args: string[], opts: { hostNetwork?: boolean; configMap?: string } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: {
        metadata: { labels: { 'k8s-app': name } },
        spec: {
          hostNetwork: opts.hostNetwork ?? true,
          containers: [{ name: 'node-cache', image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.4', args }],
          volumes: [{ name: 'config-volume', configMap: { name: opts.configMap ?? name } }],
        },
      },
    },
  };
}
const nodeCorefile = (bind: string, upstream = '10.96.0.10') => `cluster.local:53 {\n    errors\n    cache 30\n    bind ${bind}\n    forward . ${upstream}\n}\n.:53 {\n    errors\n    cache 30\n    bind ${bind}\n    forward . /etc/resolv.conf\n}\n`;
const kubeProxyCm = (proxyMode: string, extra = '') => cm('kube-proxy', { 'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "${proxyMode}"\n${extra}` });
const kubeProxyDs = (extra: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.33.4' }], ...extra } } },
});
const ids = (dir: string, ...flags: string[]) => audit(dir, ...flags).ids;

describe('audit of other installers and of what the library does not model', () => {
  test('kubespray: the DNS Service named coredns and the cache named nodelocaldns are found by what they are', () => {
    const dir = manifests({
      'dns.yaml': [svc('coredns', '10.233.0.3'), cache('nodelocaldns', ['-localip', '169.254.25.10', '-conf', '/etc/coredns/Corefile', '-upstreamsvc', 'coredns']),
        cm('nodelocaldns', { Corefile: nodeCorefile('169.254.25.10', '10.233.0.3') })],
      'kubelet.yaml': [kubelet('169.254.25.10')],
    });
    const { result, ids: found } = audit(dir);
    expect(found.filter((i) => i.startsWith('error'))).toEqual([]);
    expect(found.join('\n')).not.toMatch(/KUBELET-CLUSTER-DNS/);
    expect(result.facts.find((f: any) => f.name === 'dnsServiceIp')).toMatchObject({ value: '10.233.0.3', from: expect.stringContaining('Service/kube-system/coredns') });
    expect(result.tiers.deviations.map((d: any) => d.setting)).not.toContain('nodeLocalDns.enabled');
  });

  test('k3s: a kube-dns IP outside the default Service CIDR is not refused; file imports in the Corefile are named, not errors', () => {
    const k3sCorefile = '.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n    import /etc/coredns/custom/*.override\n}\nimport /etc/coredns/custom/*.server\n';
    const dir = manifests({ 'k3s.yaml': [svc('kube-dns', '10.43.0.10'), cm('coredns', { Corefile: k3sCorefile })] });
    const { status, result, ids: found } = audit(dir);
    expect({ status, errors: found.filter((i) => i.startsWith('error')) }).toEqual({ status: 0, errors: [] });
    expect(found).toContain('warning AUDIT-NOT-MODELLED ConfigMap/kube-system/coredns');
    expect(result.facts.find((f: any) => f.name === 'serviceCidr')).toMatchObject({ value: '10.43.0.0/16', unknown: true, from: expect.stringContaining('give --service-cidr') });
    expect(audit(dir, '--service-cidr', '10.43.0.0/16').result.facts.find((f: any) => f.name === 'serviceCidr')).toMatchObject({ unknown: false, from: '--service-cidr' });
  });

  test('Cilium\'s local redirect policy for node-cache is not taken for the iptables wiring, and needs its policy', () => {
    const lrp = { apiVersion: 'cilium.io/v2', kind: 'CiliumLocalRedirectPolicy', metadata: { name: 'nodelocaldns', namespace: 'kube-system' }, spec: {} };
    const values = cm('cilium-config', { 'kube-proxy-replacement': 'true', 'k8s-service-host': '10.0.0.10', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' });
    const files = (extra: object[]) => manifests({
      'cilium.yaml': [values, svc('kube-dns', '10.96.0.10'), ...extra],
      'nld.yaml': [cache('node-local-dns', ['-localip', '169.254.20.10,10.96.0.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream', '-setupinterface=false', '-setupiptables=false'], { hostNetwork: false }),
        cm('node-local-dns', { Corefile: nodeCorefile('0.0.0.0') })],
      'kubelet.yaml': [kubelet('10.96.0.10')],
    });
    const withPolicy = ids(files([lrp]));
    expect(withPolicy.filter((i) => i.startsWith('error'))).toEqual([]);
    expect(withPolicy.join('\n')).not.toMatch(/NLD-MODE-MISMATCH|KUBELET-CLUSTER-DNS/);
    expect(withPolicy).toContain('warning AUDIT-NOT-MODELLED DaemonSet/kube-system/node-local-dns');
    expect(ids(files([]))).toContain('error AUDIT-NOT-MODELLED DaemonSet/kube-system/node-local-dns');
  });

  test('no kube-proxy runs: a leftover ConfigMap, or a DaemonSet Calico\'s eBPF guide turned off, is not a second data plane', () => {
    const cilium = cm('cilium-config', { 'kube-proxy-replacement': 'true', 'k8s-service-host': '10.0.0.10', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' });
    const leftover = ids(manifests({ 'a.yaml': [cilium, kubeProxyCm('')] }));
    expect(leftover).toContain('warning AUDIT-STALE-OBJECT ConfigMap/kube-system/kube-proxy');
    expect(leftover.join('\n')).not.toMatch(/EBPF-REPLACES-KUBE-PROXY/);
    const felix = { apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { bpfEnabled: true } };
    const endpoint = cm('kubernetes-services-endpoint', { KUBERNETES_SERVICE_HOST: '10.0.0.10', KUBERNETES_SERVICE_PORT: '6443' }, 'tigera-operator');
    const { ids: off, result } = audit(manifests({ 'b.yaml': [felix, endpoint, kubeProxyCm(''), kubeProxyDs({ nodeSelector: { 'non-calico': 'true' } })] }));
    expect(off.join('\n')).not.toMatch(/EBPF-REPLACES-KUBE-PROXY|AUDIT-UNKNOWN-FACT/);
    expect(result.facts.find((f: any) => f.name === 'kubeProxy')).toMatchObject({ value: 'not running' });
    // and when it does run beside Cilium's replacement, the rule still fires, also with the API server unknown
    const running = ids(manifests({ 'c.yaml': [cm('cilium-config', { 'kube-proxy-replacement': 'true', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' }), kubeProxyCm(''), kubeProxyDs()] }));
    expect(running).toEqual(expect.arrayContaining(['warning AUDIT-UNKNOWN-FACT ConfigMap/kube-system/cilium-config', expect.stringMatching(/^error EBPF-REPLACES-KUBE-PROXY /)]));
  });

  test('the API server Cilium\'s agent is given (its DaemonSet\'s KUBERNETES_SERVICE_HOST) is a fact', () => {
    const agent = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system' }, spec: { template: { spec: { containers: [{ name: 'cilium-agent', env: [{ name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' }] }] } } } };
    const { result, ids: found } = audit(manifests({ 'c.yaml': [cm('cilium-config', { 'kube-proxy-replacement': 'true', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' }), agent] }));
    expect(found.join('\n')).not.toMatch(/AUDIT-UNKNOWN-FACT/);
    expect(result.facts.find((f: any) => f.name === 'apiServerHost')).toMatchObject({ value: '10.0.0.10', from: expect.stringContaining('DaemonSet/kube-system/cilium env KUBERNETES_SERVICE_HOST') });
  });

  test('values the consumers accept are not refused: Felix log levels in any case or empty, kube-proxy bind addresses without a port', () => {
    const felix = (spec: object) => ({ apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec });
    for (const spec of [{ bpfLogLevel: '' }, { logSeverityScreen: 'info' }, { logSeverityScreen: 'Trace' }]) {
      expect(ids(manifests({ 'f.yaml': [felix(spec)] })).filter((i) => i.startsWith('error'))).toEqual([]);
    }
    expect(ids(manifests({ 'kp.yaml': [kubeProxyCm('', 'metricsBindAddress: 0.0.0.0\nhealthzBindAddress: "[::]"\n'), kubeProxyDs()] })).filter((i) => i.startsWith('error'))).toEqual([]);
  });
});

describe('audit of node-cache wiring', () => {
  const base = [svc('kube-dns', '10.96.0.10'), svc('kube-dns-upstream', '10.96.0.11'), kubeProxyDs()];
  const nld = (localip: string, bind: string, upstream = 'kube-dns-upstream') => [
    cache('node-local-dns', ['-localip', localip, '-conf', '/etc/Corefile', '-upstreamsvc', upstream]), cm('node-local-dns', { Corefile: nodeCorefile(bind, '__PILLAR__CLUSTER__DNS__') }),
  ];

  test('NLD-BIND-MISMATCH: an address node-cache takes but its Corefile does not bind', () => {
    expect(ids(manifests({ 'a.yaml': [...base, kubeProxyCm(''), ...nld('169.254.20.10,10.96.0.10', '169.254.20.10')] }))).toContain('error NLD-BIND-MISMATCH ConfigMap/kube-system/node-local-dns');
  });

  test('NLD-UPSTREAM-LOOP: node-cache forwarding to the kube-dns Service whose IP it takes', () => {
    expect(ids(manifests({ 'a.yaml': [...base, kubeProxyCm(''), ...nld('169.254.20.10,10.96.0.10', '169.254.20.10 10.96.0.10', 'kube-dns')] })))
      .toContain('error NLD-UPSTREAM-LOOP DaemonSet/kube-system/node-local-dns');
  });

  test('kubelet advice follows the wiring that runs: no contrary advice beside NLD-MODE-MISMATCH, bypass named beside iptables', () => {
    const mismatch = ids(manifests({ 'a.yaml': [...base, kubeProxyCm('ipvs'), ...nld('169.254.20.10,10.96.0.10', '169.254.20.10 10.96.0.10'), kubelet('169.254.20.10')] }));
    expect(mismatch).toContain('error NLD-MODE-MISMATCH DaemonSet/kube-system/node-local-dns');
    expect(mismatch.join('\n')).not.toMatch(/KUBELET-CLUSTER-DNS/);
    const bypass = ids(manifests({ 'a.yaml': [...base, kubeProxyCm(''), ...nld('169.254.20.10', '169.254.20.10'), kubelet('10.96.0.10')] }));
    expect(bypass).toContain('warning KUBELET-CLUSTER-DNS KubeletConfiguration/(unnamed)');
    expect(bypass.join('\n')).not.toMatch(/NLD-LINK-LOCAL-ONLY/);
  });
});

describe('audit of Cilium values and odd input', () => {
  test('CILIUM-REMOVED-VALUE: values the chart refuses since a version, errors when the chart is that new', () => {
    const values = 'kubeProxyReplacement: strict\ntunnel: disabled\nk8sServiceHost: 10.0.0.10\nroutingMode: native\nipv4NativeRoutingCIDR: 10.244.0.0/16\n';
    const release = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cilium', namespace: 'flux-system' }, spec: { chart: { spec: { chart: 'cilium', version: '1.16.3' } }, valuesFrom: [{ kind: 'Secret', name: 'cilium-values' }] } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cilium-values', namespace: 'flux-system' }, data: { 'values.yaml': Buffer.from(values).toString('base64') } };
    const found = ids(manifests({ 'flux.yaml': [release, secret] }));
    expect(found.filter((i) => i.includes('CILIUM-REMOVED-VALUE'))).toEqual(['error CILIUM-REMOVED-VALUE HelmRelease/flux-system/cilium', 'error CILIUM-REMOVED-VALUE HelmRelease/flux-system/cilium']);
    // a values file is found under a folder naming cilium, and without a chart version it warns
    const file = ids(manifests({ 'infrastructure/cilium/values.yaml': values }));
    expect(file.filter((i) => i.includes('CILIUM-REMOVED-VALUE'))).toHaveLength(2);
    expect(file.filter((i) => i.includes('CILIUM-REMOVED-VALUE')).every((i) => i.startsWith('warning'))).toBe(true);
  });

  test('odd input is named with its file and never crashes the audit', () => {
    const dir = manifests({
      'templates/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  {{- toYaml .Values.data | nindent 2 }}\n',
      'list.yaml': [{ apiVersion: 'v1', kind: 'List', items: null }],
      'policy.yaml': [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {}, egress: {} } }],
      'ds.yaml': [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-local-dns', namespace: 'kube-system' }, spec: { template: { spec: { containers: { name: 'node-cache' } } } } }],
      'nodes.yaml': [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '3500m' } } }],
      'coredns.yaml': [cm('coredns', { Corefile: '.:53 {\n    cache cluster.local\n    kubernetes cluster.local {\n        ttl x\n    }\n    forward . /etc/resolv.conf\n}\n' })],
    });
    const { result, ids: found } = audit(dir);
    const unreadable = result.findings.filter((f: any) => f.ruleId === 'AUDIT-UNREADABLE').map((f: any) => path.relative(dir, f.file));
    expect(unreadable).toEqual(expect.arrayContaining([path.join('templates', 'configmap.yaml'), 'list.yaml']));
    expect(found).toEqual(expect.arrayContaining(['error AUDIT-INVALID-OBJECT NetworkPolicy/shop/p', 'error COREDNS-COREFILE ConfigMap/kube-system/coredns']));
    expect(result.facts.find((f: any) => f.name === 'cpuCoresPerNode')).toMatchObject({ value: '3' });
    expect(result.tiers.deviations.find((d: any) => d.setting === 'coreDns.cacheTtlSeconds')).toMatchObject({ cluster: '3600' });
    expect(JSON.stringify(result)).not.toContain('NaN');
  });

  test('Flannel: a backend the library does not model is named; its Network is a fact like the others', () => {
    const flannel = cm('kube-flannel-cfg', { 'net-conf.json': '{"Network": "10.42.0.0/16", "Backend": {"Type": "wireguard"}}' }, 'kube-flannel');
    const kubeadm = cm('kubeadm-config', { ClusterConfiguration: 'kind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n' });
    const found = ids(manifests({ 'a.yaml': [kubeadm, flannel] }));
    expect(found).toEqual(expect.arrayContaining(['warning AUDIT-NOT-MODELLED ConfigMap/kube-flannel/kube-flannel-cfg', 'warning AUDIT-FACT-CONFLICT ConfigMap/kube-flannel/kube-flannel-cfg']));
  });
});

test('PolicyLint.lint does not crash on a map where the schema has a list', () => {
  const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: {} } };
  expect(() => PolicyLint.lint([policy])).not.toThrow();
});

describe('audit of alerting rules', () => {
  const rule = (name: string, expr: string) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name, namespace: 'monitoring' },
    spec: { groups: [{ name: 'net', rules: [{ alert: 'A', expr, for: '10m' }] }] },
  });
  const dnsSvc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' } } };

  test('ALERTS-NO-KUBE-PROXY: kube-proxy alerts beside Cilium\'s replacement fire forever', () => {
    const cilium = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data: { 'kube-proxy-replacement': 'true', 'k8s-service-host': '10.0.0.10', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' } };
    const found = audit(manifests({ 'a.yaml': [cilium, dnsSvc, rule('kp', 'up{job="kube-proxy"} == 0')] })).ids;
    expect(found).toContain('error ALERTS-NO-KUBE-PROXY PrometheusRule/monitoring/kp');
  });

  test('ALERTS-KUBE-PROXY-METRICS: kubeadm\'s kube-proxy serves metrics on loopback, so its alerts cannot work', () => {
    expect(audit(cluster({}, { 'rules.yaml': JSON.stringify(rule('kp', 'rate(kubeproxy_sync_proxy_rules_duration_seconds_count[5m]) == 0')) })).ids)
      .toContain('error ALERTS-KUBE-PROXY-METRICS PrometheusRule/monitoring/kp');
    // a Prometheus rule file (groups at the top) is read too
    const file = 'groups:\n- name: net\n  rules:\n  - alert: KubeProxyDown\n    expr: absent(up{job="kube-proxy"} == 1)\n';
    expect(audit(cluster({}, { 'prometheus-rules.yaml': file })).ids.join('\n')).toMatch(/error ALERTS-KUBE-PROXY-METRICS .*prometheus-rules\.yaml/);
  });

  test('ALERTS-MODE-MISMATCH: iptables-only metrics on a kube-proxy in nftables mode are never exported', () => {
    const dir = cluster({ 'kube-proxy.yaml': (t: string) => mode('nftables')(t).replace('metricsBindAddress: ""', 'metricsBindAddress: 0.0.0.0:10249') },
      { 'rules.yaml': JSON.stringify(rule('kp', 'rate(kubeproxy_sync_proxy_rules_iptables_restore_failures_total[5m]) > 0')) });
    expect(audit(dir).ids).toContain('error ALERTS-MODE-MISMATCH PrometheusRule/monitoring/kp');
  });
});

/**
 * Every cross-component rule of the library, with the planted fault that makes the audit name it, or
 * why the audit cannot meet it (a rule about how an app is assembled, not about a cluster). A new
 * rule fails this test until it is given one or the other.
 */
describe('every cross-component rule, planted in a cluster\'s manifests', () => {
  const calicoPool = (cidr: string, extra: object = {}) => ({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'default-ipv4-ippool' }, spec: { cidr, blockSize: 26, vxlanMode: 'Always', ipipMode: 'Never', natOutgoing: true, ...extra } });
  const felix = (spec: object) => ({ apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec });
  const flannelCfg = cm('kube-flannel-cfg', { 'net-conf.json': '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}' }, 'kube-flannel');
  const ciliumKpr = cm('cilium-config', { 'kube-proxy-replacement': 'true', 'k8s-service-host': '10.0.0.10', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' });
  const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const rule = (expr: string) => JSON.stringify({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'kp', namespace: 'monitoring' }, spec: { groups: [{ name: 'a', rules: [{ alert: 'A', expr }] }] } });
  const PLANTED: Record<string, string | (() => string[])> = {
    'PROFILE-CONSISTENCY': 'not a cluster fault: the audit builds one profile for every component',
    'SINGLE-INSTANCE': 'not a cluster fault: one component of each kind is built from the manifests',
    'HOST-PORT-CONFLICT': () => ids(cluster({}, { 'nld.yaml': nodeLocalDns('iptables').replace('"-pidfile"', '"-health-port", "10256", "-pidfile"') })),
    'CONNTRACK-OWNERSHIP': () => ids(cluster({}, { 'nodes/sysctl.d/99-conntrack.conf': 'net.netfilter.nf_conntrack_max = 4194304\n' })),
    'CONNTRACK-CAPACITY': () => ids(cluster(), '--tier', 'large', '--nodes', '1000', '--services', '3000', '--cpu-cores-per-node', '2'),
    'SERVICE-CIDR-CAPACITY': () => ids(cluster({ 'kubeadm-config.yaml': (t: string) => t.replace('serviceSubnet: 10.96.0.0/12', 'serviceSubnet: 10.96.0.0/22') }), '--services', '5000', '--nodes', '10'),
    'CNI-EXCLUSIVE': () => ids(manifests({ 'a.yaml': [flannelCfg, calicoPool('10.244.0.0/16')] })),
    'CNI-POLICY-UNENFORCED': () => ids(manifests({ 'a.yaml': [flannelCfg, policy] })),
    'CALICO-NFTABLES': () => ids(cluster({}, { 'calico.yaml': JSON.stringify(felix({ nftablesMode: 'Enabled' })) })),
    'CILIUM-KUBE-PROXY-IPVS': () => ids(cluster({ 'kube-proxy.yaml': mode('ipvs') }, { 'cilium.yaml': JSON.stringify(cm('cilium-config', { 'kube-proxy-replacement': 'false', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' })) })),
    'EBPF-REPLACES-KUBE-PROXY': () => ids(cluster({}, { 'cilium.yaml': JSON.stringify(ciliumKpr) })),
    'NLD-MODE-MISMATCH': () => ids(cluster({ 'kube-proxy.yaml': mode('ipvs') }, { 'nld.yaml': nodeLocalDns('iptables') })),
    'NLD-NFTABLES': () => ids(cluster({ 'kube-proxy.yaml': mode('nftables'), 'kubeadm-config.yaml': clusterDns('169.254.20.10') }, { 'nld.yaml': nodeLocalDns('ipvs') })),
    'DEFAULT-DENY-DNS': 'a DefaultDenyPolicy rule; the audit traces every namespace with policies instead (DNS-PATH, tested above)',
    'DEFAULT-DENY-OVERLAP': 'a DefaultDenyPolicy rule (two of them covering one namespace); a cluster\'s policies go through PolicyLint (NP001)',
    'PSA-PRIVILEGED': () => ids(cluster({}, {
      'nld.yaml': nodeLocalDns('iptables'),
      'ns.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }),
    })),
    'SYSCTL-NAMESPACED-HOST-ONLY': () => ids(cluster({}, { 'nodes/sysctl.d/99-net.conf': 'net.core.somaxconn = 32768\n' })),
    'ALERTS-NO-KUBE-PROXY': () => ids(manifests({ 'a.yaml': [ciliumKpr], 'r.yaml': rule('up{job="kube-proxy"} == 0') })),
    'ALERTS-KUBE-PROXY-METRICS': () => ids(cluster({}, { 'r.yaml': rule('up{job="kube-proxy"} == 0') })),
    'ALERTS-MODE-MISMATCH': () => ids(cluster({ 'kube-proxy.yaml': (t: string) => mode('nftables')(t).replace('metricsBindAddress: ""', 'metricsBindAddress: 0.0.0.0:10249') },
      { 'r.yaml': rule('rate(kubeproxy_sync_proxy_rules_iptables_restore_failures_total[5m]) > 0') })),
    'ALERTS-CREATED-TOO-EARLY': 'about the order an app creates constructs in, not about a cluster',
    'PLAN-CHANGED-AFTER-CONSTRUCTION': 'about the order an app creates constructs in, not about a cluster',
  };
  test('the table names every rule and no other', () => {
    expect(Object.keys(PLANTED).sort()).toEqual(CROSS_COMPONENT_RULES.map((r) => r.id).sort());
  });
  test.each(Object.entries(PLANTED).filter(([, v]) => typeof v !== 'string'))('%s', (id, plant) => {
    expect((plant as () => string[])().join('\n')).toMatch(new RegExp(`^(error|warning) ${id} `, 'm'));
  });
});

describe('single-component checks, named by the manifest\'s fields', () => {
  const messages = (dir: string, ruleId: string) => audit(dir).result.findings.filter((f: any) => f.ruleId === ruleId).map((f: any) => `${f.object}: ${f.message}`);

  test('NODE-LOCAL-DNS-CONFIG: a node-cache flag NodeLocalDns refuses', () => {
    const dir = cluster({}, { 'nld.yaml': nodeLocalDns('iptables').replace('"-pidfile"', '"-health-port", "99999", "-pidfile"') });
    expect(messages(dir, 'NODE-LOCAL-DNS-CONFIG')).toEqual([expect.stringMatching(/^DaemonSet\/kube-system\/node-local-dns: '-health-port' \(99999\) /)]);
  });

  test('CILIUM-CONFIG: a Helm value CiliumTuning refuses, named by its key', () => {
    const values = 'kubeProxyReplacement: false\nroutingMode: tunnel\ntunnelProtocol: vxlan\nhubble:\n  enabled: true\n  relay:\n    enabled: false\n  ui:\n    enabled: true\n';
    expect(messages(manifests({ 'cilium/values.yaml': values }), 'CILIUM-CONFIG')).toEqual([expect.stringContaining("'hubble.ui.enabled' (true) needs 'hubble.relay.enabled'")]);
  });

  test('CALICO-CONFIG: an IP pool CalicoTuning refuses, named by the pool', () => {
    const pool = { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'pods' }, spec: { cidr: '10.244.0.0/16', vxlanMode: 'Always', ipipMode: 'Always' } };
    expect(messages(manifests({ 'p.yaml': [pool] }), 'CALICO-CONFIG')).toEqual([expect.stringContaining("'IPPool/pods spec.ipipMode' (Always) cannot be enabled together with vxlanMode")]);
  });
});

test('a ServiceMonitor scraping kubeadm\'s loopback-only kube-proxy metrics is named (its target is down, KubeProxyDown fires)', () => {
  const monitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'prometheus-kube-proxy', namespace: 'monitoring' },
    spec: { selector: { matchLabels: { app: 'kube-prometheus-stack-kube-proxy' } }, namespaceSelector: { matchNames: ['kube-system'] }, endpoints: [{ port: 'http-metrics' }] },
  };
  const { ids: found, result } = audit(cluster({}, { 'monitor.yaml': JSON.stringify(monitor) }));
  expect(found).toContain('error ALERTS-KUBE-PROXY-METRICS ServiceMonitor/monitoring/prometheus-kube-proxy');
  expect(result.notAudited).toEqual([]);
});

describe('review fixes: where findings point, and what is read', () => {
  test('each item of a List has its own line (kubectl get -o yaml)', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: a, namespace: shop}\n  spec: {podSelector: {}, policyTypes: [Ingress]}\n'
      + '- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: b, namespace: shop}\n  spec: {podSelector: {}, policyTypes: [Egress]}\n';
    const dir = manifests({ 'list.yaml': text });
    const b = audit(dir).result.findings.find((f: any) => f.object === 'NetworkPolicy/shop/b');
    expect(b).toMatchObject({ line: 8 });
  });

  test('a kustomization.yaml under a cilium folder is not taken for Helm values; Argo CD valueFiles are named', () => {
    const dir = manifests({ 'infra/cilium/kustomization.yaml': 'resources:\n- release.yaml\n' });
    const { result } = audit(dir);
    // only nodeLocalDns.enabled (false) is compared: no cni, no cilium.* settings were read from it
    expect(result.tiers.compared).toBe(1);
    expect(result.findings).toEqual([]);
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'cilium', namespace: 'argocd' }, spec: { source: { chart: 'cilium', helm: { valueFiles: ['values-prod.yaml'] } } } };
    expect(ids(manifests({ 'app.yaml': [app] }))).toContain('warning AUDIT-NOT-MODELLED Application/argocd/cilium');
  });

  test('a bare IPv6 controlPlaneEndpoint and a digest-pinned kube-proxy image are read', () => {
    const dir = cluster({
      'kubeadm-config.yaml': (t: string) => t.replace('controlPlaneEndpoint: 10.0.0.10:6443', 'controlPlaneEndpoint: fd00::10').replace('    kubernetesVersion: v1.33.4\n', ''),
      'kube-proxy.yaml': (t: string) => t.replace('kube-proxy:v1.33.4', 'kube-proxy:v1.33.4@sha256:' + 'a'.repeat(64)),
    });
    const { result } = audit(dir);
    expect(result.facts.find((f: any) => f.name === 'apiServerHost')).toMatchObject({ value: 'fd00::10' });
    expect(result.facts.find((f: any) => f.name === 'kubernetesVersion')).toMatchObject({ value: '1.33', unknown: false });
  });

  test('a folder named like a flag\'s value is still a path', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-name-'));
    fs.cpSync(KUBEADM, path.join(parent, 'large'), { recursive: true });
    let out = '';
    const cwd = process.cwd();
    try {
      process.chdir(parent);
      expect(main(['audit', 'large', '--tier', 'large', '--format', 'json'], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } })).toBe(0);
      expect(JSON.parse(out).tiers.target).toBe('large');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('what the audit reads from a tree, and how bad values are shown', () => {
  test('links: a folder linked back up the tree is walked once, a file reached twice is read once, a dangling link is a finding', () => {
    const dir = manifests({ 'policies/p.yaml': [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }] });
    fs.symlinkSync(dir, path.join(dir, 'policies', 'loop'));
    fs.symlinkSync(path.join(dir, 'policies', 'p.yaml'), path.join(dir, 'again.yaml'));
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    const { result } = audit(dir);
    expect(result.objects).toBe(1);
    expect(result.findings.filter((f: any) => f.ruleId === 'AUDIT-UNREADABLE')).toEqual([expect.objectContaining({
      object: path.join(dir, 'dangling.yaml'), message: expect.stringMatching(/^cannot be read \(ENOENT\): not checked$/), fix: expect.stringContaining('read access'),
    })]);
  });

  test('.git and node_modules are not manifests; a path that is not there is the caller\'s error', () => {
    const bad = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: 'oops' };
    const dir = manifests({ '.git/refs.yaml': [bad], 'node_modules/pkg/deploy.yaml': [bad], 'ok.yaml': [cm('other', {})] });
    const { result } = audit(dir);
    expect(result.objects).toBe(1);
    expect(result.findings).toEqual([]);
    let err = '';
    expect(main(['audit', path.join(dir, 'missing')], { stdout: () => undefined, stderr: (t) => { err += t; } })).toBe(2);
    expect(err).toContain(`'path' (${path.join(dir, 'missing')}) does not exist`);
  });

  test('values the consumer cannot read are shown as written, never as NaN or JSON quotes', () => {
    const nld = cluster({}, { 'nld.yaml': nodeLocalDns('iptables').replace('"-pidfile"', '"-health-port", "80a", "-pidfile"') });
    expect(audit(nld).result.findings.filter((f: any) => f.ruleId === 'NODE-LOCAL-DNS-CONFIG').map((f: any) => f.message))
      .toEqual([expect.stringMatching(/^'-health-port' \(80a\) /)]);
    const cilium = manifests({ 'c.yaml': [cm('cilium-config', { 'kube-proxy-replacement': 'false', 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan', 'bpf-map-dynamic-size-ratio': 'lots' })] });
    expect(audit(cilium).result.findings.filter((f: any) => f.ruleId === 'CILIUM-CONFIG').map((f: any) => f.message))
      .toEqual([expect.stringContaining('data["bpf-map-dynamic-size-ratio"]\' (lots) must be a number')]);
    const kp = cluster({ 'kube-proxy.yaml': (t: string) => t.replace('      minSyncPeriod: 0s', '      minSyncPeriod: soon') });
    expect(audit(kp).result.findings.filter((f: any) => f.ruleId === 'KUBE-PROXY-CONFIG').map((f: any) => f.message))
      .toEqual(["data[\"config.conf\"]: 'iptables.minSyncPeriod' (soon) must be a Go duration in whole milliseconds, such as 30s or 1m30s"]);
    const policy = manifests({ 'p.yaml': [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {}, egress: { to: [] } } }] });
    expect(audit(policy).result.findings.map((f: any) => f.message)).toEqual(["'spec.egress' ({\"to\":[]}) is not a list: the API server refuses it"]);
    for (const dir of [nld, cilium, kp, policy]) expect(JSON.stringify(audit(dir).result)).not.toContain('NaN');
  });
});

describe('CoreDNS is checked as TunedCoreDns', () => {
  const corefile = (edit: (t: string) => string) => ({ 'coredns.yaml': edit });
  const found = (dir: string) => audit(dir).result.findings.map((f: any) => `${f.severity} ${f.ruleId} ${f.object}: ${f.message}`);

  test('a forward to the kube-dns IP loops: named by the Corefile field', () => {
    const dir = cluster(corefile((t) => t.replace('forward . /etc/resolv.conf {', 'forward . 10.96.0.10 {')));
    expect(found(dir)).toEqual([expect.stringMatching(/^error COREDNS-CONFIG ConfigMap\/kube-system\/coredns: 'data\.Corefile forward \. \(to\)\[0\]' \(10\.96\.0\.10\) must not be the kube-dns IP/)]);
  });

  test('a stub zone block that takes the cluster domain from the kubernetes plugin', () => {
    const dir = cluster(corefile((t) => t.replace('        loadbalance\n    }\n', '        loadbalance\n    }\n    svc.cluster.local:53 {\n        forward . 10.0.0.53\n    }\n')));
    // refused at the synthesis-time check, and left out: the other checks still run (the planted kube-proxy fault is found)
    expect(found(dir)).toEqual([expect.stringMatching(/^error COREDNS-CONFIG ConfigMap\/kube-system\/coredns: 'data\.Corefile server blocks' \(svc\.cluster\.local:53\) would take svc\.cluster\.local from the kubernetes plugin/)]);
    const both = cluster({ ...corefile((t) => t.replace('        loadbalance\n    }\n', '        loadbalance\n    }\n    svc.cluster.local:53 {\n        forward . 10.0.0.53\n    }\n')), 'kube-proxy.yaml': mode('ipvs') }, { 'nld.yaml': nodeLocalDns('iptables') });
    expect(found(both).map((f: string) => f.split(':')[0])).toEqual(expect.arrayContaining(['error COREDNS-CONFIG ConfigMap/kube-system/coredns', 'error NLD-MODE-MISMATCH DaemonSet/kube-system/node-local-dns']));
  });

  test('a cache size CoreDNS rounds, and a second cache of the cluster zone behind NodeLocal DNSCache, are warnings', () => {
    const rounding = cluster(corefile((t) => t.replace('           disable success cluster.local\n', '           success 10000\n           disable success cluster.local\n')));
    expect(found(rounding)).toEqual([expect.stringMatching(/^warning COREDNS-CACHE-ROUNDING ConfigMap\/kube-system\/coredns: 'data\.Corefile cache success' \(10000\) is not a multiple of 256/)]);
    const twice = cluster(corefile((t) => t.replace('           disable success cluster.local\n           disable denial cluster.local\n', '')), { 'nld.yaml': nodeLocalDns('iptables') });
    expect(found(twice)).toEqual([expect.stringMatching(/^warning COREDNS-DOUBLE-CACHE ConfigMap\/kube-system\/coredns: 'data\.Corefile cache disable' \(false\) with NodeLocal DNSCache in front/)]);
  });

  test('what CoreDNS does without a setting is what is checked: kubernetes ttl 5, no pods records, cache TTL 3600', () => {
    const parsed = Corefile.parse('.:53 {\n    kubernetes cluster.local\n    cache\n    forward . 1.1.1.1 8.8.8.8\n    hosts /etc/extra-hosts\n}\nexample.com:53 {\n    forward . 10.0.0.53\n}\n');
    const props = coreDnsProps(parsed, parsed.serverBlocks[0], 'cluster.local');
    expect(props).toMatchObject({ kubernetesTtlSeconds: 5, pods: 'disabled', cacheTtlSeconds: 3600, disableClusterZoneCache: false, upstreamServers: ['1.1.1.1', '8.8.8.8'] });
    expect((props.extraPlugins as any[]).map((p) => p.name)).toEqual(['hosts']);
    expect((props.serverBlocks as any[]).map((b) => b.zones)).toEqual([['example.com']]);
  });
});

describe('the node\'s sysctl.d files', () => {
  test('read as systemd-sysctl reads them: comments, a leading -, / as the separator, globs left out, a later file wins', () => {
    const dir = cluster({}, {
      'node/sysctl.d/10-base.conf': '# base\n; old style\nnet.netfilter.nf_conntrack_max = 4194304\nvm.max_map_count = 262144\n',
      'node/sysctl.d/99-override.conf': '-net/netfilter/nf_conntrack_max = 1048576\nnet.ipv4.conf.*.rp_filter = 0\nnet/ipv4/conf/enp3s0.200/forwarding = 1\n',
    });
    const { result } = audit(dir);
    const owner = result.findings.filter((f: any) => f.ruleId === 'CONNTRACK-OWNERSHIP');
    // the later file's value, named by the file and line that set it; the finding sits on that file
    expect(owner).toEqual([expect.objectContaining({
      object: 'sysctl.d/99-override.conf',
      message: expect.stringMatching(/^'99-override\.conf:1 net\.netfilter\.nf_conntrack_max' \(1048576\) conflicts with \[ConfigMap\/kube-system\/kube-proxy data\["config\.conf"\]\], which writes \d+/),
    })]);
    expect(result.findings.filter((f: any) => f.ruleId !== 'CONNTRACK-OWNERSHIP').map((f: any) => `${f.ruleId} ${f.message}`))
      .toEqual(['AUDIT-NOT-MODELLED net.ipv4.conf.enp3s0/200.forwarding (line 3) names a per-interface key the library does not tune: not checked']);
  });

  test('a file of host-only keys beside kubeadm\'s defaults: no finding; a .conf named on the command line is read too', () => {
    const dir = cluster({}, { 'node/sysctl.d/50-host.conf': 'net.ipv4.ip_forward = 1\nvm.max_map_count = 262144\n' });
    expect(audit(dir).ids).toEqual([]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sysctl-')), 'k8s.conf');
    fs.writeFileSync(file, 'net.core.somaxconn = 4096\n');
    let out = '';
    main(['audit', KUBEADM, file, '--format', 'json'], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } });
    expect(JSON.parse(out).findings.map((f: any) => `${f.ruleId} ${f.object}`)).toEqual(['SYSCTL-NAMESPACED-HOST-ONLY sysctl.d/k8s.conf']);
  });
});

test('Cilium read from its Helm values and from the agent\'s cilium-config gives the same properties (one key table)', () => {
  const values = {
    kubeProxyReplacement: true,
    routingMode: 'native',
    ipv4NativeRoutingCIDR: '10.0.0.0/8',
    autoDirectNodeRoutes: true,
    bpf: { masquerade: true, tproxy: true, datapathMode: 'netkit', mapDynamicSizeRatio: 0.005, ctTcpMax: 524288, ctAnyMax: 262144, lbMapMax: 65536, policyMapMax: 16384 },
    hubble: { enabled: true },
    loadBalancer: { mode: 'dsr' },
    localRedirectPolicies: { enabled: true },
  };
  // what the chart renders into cilium-config for those values: strings
  const agent = {
    'kube-proxy-replacement': 'true',
    'routing-mode': 'native',
    'ipv4-native-routing-cidr': '10.0.0.0/8',
    'auto-direct-node-routes': 'true',
    'enable-bpf-masquerade': 'true',
    'enable-bpf-tproxy': 'true',
    'datapath-mode': 'netkit',
    'bpf-map-dynamic-size-ratio': '0.005',
    'bpf-ct-global-tcp-max': '524288',
    'bpf-ct-global-any-max': '262144',
    'bpf-lb-map-max': '65536',
    'bpf-policy-map-max': '16384',
    'enable-hubble': 'true',
    'bpf-lb-mode': 'dsr',
    'enable-local-redirect-policy': 'true',
    'tunnel-protocol': 'vxlan',
  };
  const fromValues = ciliumValuesProps(values);
  const fromAgent = ciliumProps(agent);
  expect(fromAgent.props).toEqual(fromValues.props);
  // the tunnel protocol does not count in native mode; each property is named in its own key space
  expect(fromAgent.props.tunnelProtocol).toBeUndefined();
  expect(fromValues.names.bpfCtTcpMax).toBe('bpf.ctTcpMax');
  expect(fromAgent.names.bpfCtTcpMax).toBe('data["bpf-ct-global-tcp-max"]');
});

describe('sysctl.d as systemd-sysctl takes it (review fixes)', () => {
  test('one file per name from the highest-ranked directory; a link to /dev/null masks the name', () => {
    const dir = cluster({}, {
      'node/etc/sysctl.d/99-conntrack.conf': 'net.netfilter.nf_conntrack_max = 262144\n',
      'node/usr/lib/sysctl.d/99-conntrack.conf': 'net.netfilter.nf_conntrack_max = 4194304\n',
      'node/usr/lib/sysctl.d/50-net.conf': 'net.core.somaxconn = 32768\n',
    });
    fs.symlinkSync('/dev/null', path.join(dir, 'node', 'etc', 'sysctl.d', '50-net.conf'));
    // /etc's file wins over the vendor's (kube-proxy writes 262144 with 8 cores: no conflict); the masked name sets nothing
    expect(audit(dir).ids).toEqual([]);
  });

  test('a .conf named on the command line that is not a sysctl file is read as YAML; a pipe is read', () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conf-')), '10-kubeadm.conf');
    fs.writeFileSync(other, '[Service]\nEnvironment="KUBELET_KUBECONFIG_ARGS=--kubeconfig=/etc/kubernetes/kubelet.conf"\n');
    let out = '';
    main(['audit', KUBEADM, other, '--format', 'json'], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } });
    expect(JSON.parse(out).findings.map((f: any) => f.ruleId)).not.toContain('SYSCTL-CONFIG');
    // a named pipe, as bash's <(...) hands one over: a writer in another process, the audit in this one
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fifo-')), 'manifests');
    execFileSync('mkfifo', [fifo]);
    spawn('sh', ['-c', `cat "${path.join(KUBEADM, 'kube-proxy.yaml')}" > "${fifo}"`], { stdio: 'ignore' });
    let piped = '';
    main(['audit', fifo, '--format', 'json'], { stdout: (t) => { piped += t; }, stderr: (t) => { piped += t; } });
    expect(JSON.parse(piped).objects).toBeGreaterThan(1);
  });

  test('host-only namespaced keys are named by file and line; the tier preset is not the node\'s', () => {
    const dir = cluster({}, { 'node/sysctl.d/99-net.conf': '# tuning\nnet.core.somaxconn = 32768\n' });
    expect(audit(dir).result.findings.map((f: any) => f.message)).toEqual([expect.stringContaining("sets '99-net.conf:2 net.core.somaxconn' on the host")]);
  });
});
