import { ScaleTier, TierTable } from '../../src';

describe('tier selection', () => {
  test.each([
    [1, 0, ScaleTier.SMALL],
    [50, 999, ScaleTier.SMALL],
    [51, 10, ScaleTier.MEDIUM],
    [500, 999, ScaleTier.MEDIUM],
    [501, 10, ScaleTier.LARGE],
    [10, 1000, ScaleTier.LARGE], // the guide's iptables limit
    [5000, 20000, ScaleTier.LARGE],
  ])('%i nodes, %i Services -> %s', (nodes, services, tier) => {
    expect(TierTable.tierFor({ nodes, services })).toBe(tier);
  });

  test('refuses impossible sizes', () => {
    expect(() => TierTable.tierFor({ nodes: 0, services: 0 })).toThrow("[TierTable.tierFor] 'nodes' (0) must be an integer >= 1");
    expect(() => TierTable.tierFor({ nodes: 3, services: -1 })).toThrow("'services' (-1) must be an integer >= 0");
    expect(() => TierTable.tierFor({ nodes: 1.5, services: 0 })).toThrow("'nodes' (1.5) must be an integer >= 1");
  });
});

describe('tier table', () => {
  test('every tier has the same settings, each with a reason', () => {
    const settings = TierTable.settings();
    expect(settings.length).toBeGreaterThan(60);
    for (const tier of Object.values(ScaleTier)) {
      const rows = TierTable.rows(tier);
      expect(rows.map((r) => r.setting)).toEqual(settings);
      for (const row of rows) {
        expect(row.reason.length).toBeGreaterThan(8);
        expect(row.value).not.toBe('undefined');
      }
    }
  });

  test('the guide\'s per-scale CNI and kube-proxy choices', () => {
    expect(TierTable.value(ScaleTier.SMALL, 'cni')).toBe('flannel');
    expect(TierTable.value(ScaleTier.MEDIUM, 'cni')).toBe('calico');
    expect(TierTable.value(ScaleTier.LARGE, 'cni')).toBe('cilium');
    expect(TierTable.value(ScaleTier.SMALL, 'kubeProxy.mode')).toBe('iptables');
    expect(TierTable.value(ScaleTier.MEDIUM, 'kubeProxy.mode')).toBe('iptables');
    expect(TierTable.value(ScaleTier.LARGE, 'kubeProxy.mode')).toBe('ipvs');
  });

  test('the guide\'s conntrack numbers', () => {
    expect(TierTable.value(ScaleTier.SMALL, 'kubeProxy.conntrackMaxPerCore')).toBe('32768');
    expect(TierTable.value(ScaleTier.SMALL, 'kubeProxy.conntrackMin')).toBe('131072');
    expect(TierTable.value(ScaleTier.LARGE, 'kubeProxy.conntrackMaxPerCore')).toBe('65536');
    expect(TierTable.value(ScaleTier.LARGE, 'kubeProxy.conntrackMin')).toBe('524288');
    expect(TierTable.value(ScaleTier.LARGE, 'kubeProxy.conntrackTcpEstablishedTimeout')).toBe('24h');
    expect(TierTable.value(ScaleTier.LARGE, 'kubeProxy.minSyncPeriod')).toBe('1s');
  });

  test('the guide\'s CoreDNS cache and TTL', () => {
    expect(TierTable.value(ScaleTier.MEDIUM, 'coreDns.cacheTtlSeconds')).toBe('300');
    expect(TierTable.value(ScaleTier.MEDIUM, 'coreDns.cacheSuccessCapacity')).toBe('9984');
    expect(TierTable.value(ScaleTier.MEDIUM, 'coreDns.kubernetesTtlSeconds')).toBe('30');
    expect(TierTable.value(ScaleTier.LARGE, 'coreDns.cacheTtlSeconds')).toBe('600');
    expect(TierTable.value(ScaleTier.LARGE, 'coreDns.cacheDenialCapacity')).toBe('19968');
    expect(TierTable.value(ScaleTier.LARGE, 'coreDns.kubernetesTtlSeconds')).toBe('60');
    expect(TierTable.value(ScaleTier.LARGE, 'coreDns.forwardMaxConcurrent')).toBe('1000');
  });

  test('the guide\'s sysctls and pod DNS options', () => {
    expect(TierTable.value(ScaleTier.LARGE, 'sysctls[net.netfilter.nf_conntrack_max]')).toBe('1048576');
    expect(TierTable.value(ScaleTier.LARGE, 'sysctls[net.core.somaxconn]')).toBe('32768');
    expect(TierTable.value(ScaleTier.LARGE, 'sysctls[net.ipv4.ip_local_port_range]')).toBe('32768 65535'); // the guide's 1024, kept above the NodePorts
    expect(TierTable.value(ScaleTier.SMALL, 'podDns.ndots')).toBe('2');
    expect(TierTable.reason(ScaleTier.SMALL, 'podDns.ndots')).toMatch(/^guide:/);
  });

  test('numbers grow with the tier where the guide scales them', () => {
    const num = (tier: ScaleTier, s: string) => Number(TierTable.value(tier, s));
    for (const s of ['sysctls[net.netfilter.nf_conntrack_max]', 'coreDns.replicas', 'kubeProxy.conntrackMin']) {
      expect(num(ScaleTier.SMALL, s)).toBeLessThanOrEqual(num(ScaleTier.MEDIUM, s));
      expect(num(ScaleTier.MEDIUM, s)).toBeLessThanOrEqual(num(ScaleTier.LARGE, s));
    }
  });

  test('unknown settings are refused with a pointer to the list', () => {
    expect(() => TierTable.value(ScaleTier.SMALL, 'kubeProxy.tcpTimeout')).toThrow("[TierTable] 'setting' (kubeProxy.tcpTimeout) is not in the tier table; see TierTable.settings()");
  });
});
