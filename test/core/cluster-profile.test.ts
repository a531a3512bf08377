import { ClusterProfile, FeatureSupport, KubernetesFeature, KubernetesVersion } from '../../src';

describe('ClusterProfile defaults', () => {
  test('kubeadm-compatible defaults', () => {
    const p = new ClusterProfile();
    expect(p.kubernetesVersion).toBe(KubernetesVersion.DEFAULT);
    expect(p.kubernetesVersion).toBe(KubernetesVersion.V1_36);
    expect(p.clusterDomain).toBe('cluster.local');
    expect(p.serviceCidrs).toEqual(['10.96.0.0/12']);
    expect(p.podCidrs).toEqual(['10.244.0.0/16']);
    expect(p.dnsServiceIp).toBe('10.96.0.10');
    expect(p.cpuCoresPerNode).toBe(8);
    expect(p.apiServerHost).toBeUndefined();
    expect(p.apiServerUrl).toBeUndefined();
    expect(p.apiServerPort).toBe(6443);
    expect(p.nodePortRange).toBe('30000-32767');
    expect(p.optInFeatures).toEqual([]);
  });

  test('the kube-dns IP follows the Service CIDR (10th address), as kubeadm picks it', () => {
    expect(new ClusterProfile({ serviceCidr: '172.20.0.0/16' }).dnsServiceIp).toBe('172.20.0.10');
    expect(new ClusterProfile({ serviceCidr: 'fd00:10:96::/108', podCidr: 'fd00:10:244::/56' }).dnsServiceIp).toBe('fd00:10:96::a');
  });

  test('dual-stack CIDR pairs', () => {
    const p = new ClusterProfile({ serviceCidr: '10.96.0.0/12,fd00:10:96::/108', podCidr: '10.244.0.0/16,fd00:10:244::/56' });
    expect(p.serviceCidrs).toEqual(['10.96.0.0/12', 'fd00:10:96::/108']);
    expect(p.podCidrs).toHaveLength(2);
    expect(p.dnsServiceIp).toBe('10.96.0.10');
  });

  test('API server URL brackets IPv6 hosts', () => {
    expect(new ClusterProfile({ apiServerHost: 'api.example.com' }).apiServerUrl).toBe('https://api.example.com:6443');
    expect(new ClusterProfile({ apiServerHost: 'fd00::1', apiServerPort: 443 }).apiServerUrl).toBe('https://[fd00::1]:443');
  });

  test('opt-in turns a pre-GA feature from unavailable into opt-in', () => {
    const base = { kubernetesVersion: KubernetesVersion.V1_30 };
    expect(new ClusterProfile(base).featureSupport(KubernetesFeature.KUBE_PROXY_NFTABLES)).toBe(FeatureSupport.UNAVAILABLE);
    expect(new ClusterProfile({ ...base, optInFeatures: [KubernetesFeature.KUBE_PROXY_NFTABLES] })
      .featureSupport(KubernetesFeature.KUBE_PROXY_NFTABLES)).toBe(FeatureSupport.OPT_IN);
    expect(new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 })
      .featureSupport(KubernetesFeature.KUBE_PROXY_NFTABLES)).toBe(FeatureSupport.AVAILABLE);
  });

  test('sameAs compares facts, not identity', () => {
    expect(new ClusterProfile().sameAs(new ClusterProfile())).toBe(true);
    expect(new ClusterProfile().sameAs(new ClusterProfile({ clusterDomain: 'corp.local' }))).toBe(false);
  });
});

describe('ClusterProfile validation', () => {
  const fails = (props: any, message: string) => expect(() => new ClusterProfile(props)).toThrow(message);

  test('kubernetesVersion must be a KubernetesVersion', () => {
    fails({ kubernetesVersion: '1.30' }, "[ClusterProfile] 'kubernetesVersion' (1.30) must be a KubernetesVersion");
  });

  test('clusterDomain must be a DNS name', () => {
    fails({ clusterDomain: 'Cluster.Local' }, "[ClusterProfile] 'clusterDomain' (Cluster.Local) must be a lowercase DNS name");
    fails({ clusterDomain: 'cluster.local.' }, "'clusterDomain' (cluster.local.) must be a lowercase DNS name");
    fails({ clusterDomain: 'cluster local' }, "'clusterDomain' (\"cluster local\") must be a lowercase DNS name");
  });

  test('CIDRs need a prefix length', () => {
    fails({ serviceCidr: '10.96.0.0' }, "[ClusterProfile] 'serviceCidr' (10.96.0.0) must be an IPv4 or IPv6 CIDR with a prefix length, e.g. 10.96.0.0/12");
    fails({ podCidr: '10.244.0.0/40' }, "'podCidr' (10.244.0.0/40) must be an IPv4 or IPv6 CIDR with a prefix length");
    fails({ serviceCidr: '' }, "'serviceCidr' (\"\") must be a CIDR such as 10.96.0.0/12");
  });

  test('CIDRs must be network addresses', () => {
    fails({ podCidr: '10.244.1.0/16' }, "'podCidr' (10.244.1.0/16) has host bits set: use the network address 10.244.0.0/16 (or /32 for a single address)");
  });

  test('dual-stack pairs hold one CIDR per family, at most two', () => {
    fails({ serviceCidr: '10.96.0.0/16,10.97.0.0/16' }, "'serviceCidr' (10.96.0.0/16,10.97.0.0/16) may hold at most two CIDRs, one IPv4 and one IPv6");
    fails({ serviceCidr: '10.96.0.0/16,fd00::/108,10.97.0.0/16' }, 'may hold at most two CIDRs');
  });

  test('Service CIDR no larger than kube-apiserver accepts', () => {
    fails({ serviceCidr: '10.0.0.0/8' }, "'serviceCidr' (10.0.0.0/8) is too large: kube-apiserver accepts at most 2^20 Service addresses (/12 or longer)");
  });

  test('Pod and Service CIDRs must not overlap', () => {
    fails({ podCidr: '10.96.0.0/16' }, "'podCidr' (10.96.0.0/16) must not overlap 'serviceCidr' (10.96.0.0/12)");
  });

  test('kube-dns IP must be an address inside the Service CIDR', () => {
    fails({ dnsServiceIp: '10.96.0' }, "'dnsServiceIp' (10.96.0) must be an IPv4 or IPv6 address");
    fails({ dnsServiceIp: '10.200.0.10' }, "[ClusterProfile] 'dnsServiceIp' (10.200.0.10) must lie inside 'serviceCidr' (10.96.0.0/12)");
    fails({ dnsServiceIp: '10.96.0.0' }, "'dnsServiceIp' (10.96.0.0) is the network address of 10.96.0.0/12");
    fails({ dnsServiceIp: '10.96.0.1' }, "'dnsServiceIp' (10.96.0.1) is reserved for the 'kubernetes' Service");
    fails({ dnsServiceIp: '10.111.255.255' }, "'dnsServiceIp' (10.111.255.255) is the broadcast address of 10.96.0.0/12");
  });

  test('numbers in range', () => {
    fails({ cpuCoresPerNode: 0 }, "'cpuCoresPerNode' (0) must be an integer in 1..1024");
    fails({ cpuCoresPerNode: 2.5 }, "'cpuCoresPerNode' (2.5) must be an integer in 1..1024");
    fails({ apiServerPort: 70000 }, "'apiServerPort' (70000) must be an integer in 1..65535");
  });

  test('API server host is an IP or DNS name, without scheme or port', () => {
    fails({ apiServerHost: 'https://api:6443' }, "'apiServerHost' (https://api:6443) must be an IP address or a lowercase DNS name (no scheme, no port)");
  });

  test('NodePort range is low-high', () => {
    fails({ nodePortRange: '32767-30000' }, "'nodePortRange' (32767-30000) must be \"low-high\" with 1 <= low < high <= 65535");
    fails({ nodePortRange: '30000:32767' }, "'nodePortRange' (30000:32767) must be");
  });

  test('opt-in features must be known', () => {
    fails({ optInFeatures: ['warp-drive'] }, "'optInFeatures[0]' (warp-drive) must be one of: kube-proxy-nftables");
  });

  test('every problem is listed at once, one line each', () => {
    let message = '';
    try {
      new ClusterProfile({ clusterDomain: 'A', cpuCoresPerNode: -1, apiServerPort: 0 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      "[ClusterProfile] 'clusterDomain' (A) must be a lowercase DNS name such as cluster.local (labels of a-z, 0-9 and '-', no trailing dot)",
      "[ClusterProfile] 'cpuCoresPerNode' (-1) must be an integer in 1..1024",
      "[ClusterProfile] 'apiServerPort' (0) must be an integer in 1..65535",
    ]);
  });
});

test('apiServerHost: cluster names refused, names that merely contain svc accepted (host agents use the node resolver)', () => {
  expect(() => new ClusterProfile({ apiServerHost: 'kubernetes.default.svc' })).toThrow('is a cluster DNS name');
  expect(() => new ClusterProfile({ apiServerHost: 'kubernetes.default.svc.cluster.local' })).toThrow('is a cluster DNS name');
  expect(new ClusterProfile({ apiServerHost: 'k8s-api.svc.example.com' }).apiServerUrl).toBe('https://k8s-api.svc.example.com:6443');
  expect(new ClusterProfile({ apiServerHost: 'FD00:0:0:0:0:0:0:1' }).apiServerUrl).toBe('https://[fd00::1]:6443');
  expect(new ClusterProfile({ apiServerHost: '127.0.0.1' }).apiServerHost).toBe('127.0.0.1');
});
