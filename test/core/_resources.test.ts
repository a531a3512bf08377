import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ClusterProfile, DecisionSource, NodeLocalDns, ScaleTier, TunedCoreDns, TunedKubeProxy, TuningReport } from '../../src';
import { quantityValue } from '../../src/core/_resources';
import { only, synthValid } from '../util';

const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
const containerOf = (objs: any[], kind: string, name: string) => only(objs, kind, name).spec.template.spec.containers[0];
const decision = (chart: any, setting: string) => TuningReport.of(chart).decisions.find((d) => d.setting === setting && d.path.endsWith('/Subject'));
const warnings = (chart: any) => TuningReport.of(chart).warnings.map((w) => w.ruleId);

describe('container resources over the tier (kube-proxy, CoreDNS, NodeLocal DNSCache)', () => {
  test('kube-proxy: the caller\'s request and limit are emitted and recorded as overrides; the rest stays the tier\'s', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'Subject', {
      profile,
      tier: ScaleTier.LARGE,
      deployDaemonSet: true,
      resources: { cpu: { request: kplus.Cpu.millis(300) }, memory: { limit: Size.mebibytes(512) } },
    });
    const objs = synthValid(chart);
    expect(containerOf(objs, 'DaemonSet', 'kube-proxy').resources).toEqual({ requests: { cpu: '300m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(decision(chart, 'resources.requests.cpu')).toMatchObject({ value: '300m', source: DecisionSource.OVERRIDE });
    expect(decision(chart, 'resources.requests.memory')).toMatchObject({ source: DecisionSource.TIER });
    expect(warnings(chart)).not.toContain('RESOURCES-CPU-LIMIT');
  });

  test('CoreDNS: sizes in the largest whole binary unit; a CPU limit is emitted with a warning', () => {
    const chart = Testing.chart();
    new TunedCoreDns(chart, 'Subject', {
      profile,
      deploy: true,
      resources: {
        cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) },
        memory: { request: Size.kibibytes(1536), limit: Size.gibibytes(1) },
        ephemeralStorage: { request: Size.mebibytes(64) },
      },
    });
    const objs = synthValid(chart);
    expect(containerOf(objs, 'Deployment', 'coredns').resources).toEqual({
      requests: { 'cpu': '1', 'memory': '1536Ki', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    const w = TuningReport.of(chart).warnings.find((f) => f.ruleId === 'RESOURCES-CPU-LIMIT')!;
    expect(w.message).toContain("'resources.cpu.limit' (2) puts a CFS quota");
  });

  test('NodeLocal DNSCache: a memory limit below full caches warns; a request above the derived limit raises it', () => {
    const low = Testing.chart();
    new NodeLocalDns(low, 'Subject', { profile, tier: ScaleTier.LARGE, resources: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(100) } } });
    const lowObjs = synthValid(low);
    expect(containerOf(lowObjs, 'DaemonSet', 'node-local-dns').resources.limits).toEqual({ memory: '100Mi' });
    const w = TuningReport.of(low).warnings.find((f) => f.ruleId === 'NLD-MEMORY-LIMIT')!;
    expect(w.message).toMatch(/^'resources\.memory\.limit' \(100Mi\) is below what node-cache needs with every cache full \(\d+ MiB/);
    expect(decision(low, 'resources.limits.memory')).toMatchObject({ value: '100Mi', source: DecisionSource.OVERRIDE });

    const big = Testing.chart();
    new NodeLocalDns(big, 'Subject', { profile, resources: { memory: { request: Size.gibibytes(2) } } });
    const res = containerOf(synthValid(big), 'DaemonSet', 'node-local-dns').resources;
    expect(res.requests.memory).toBe('2Gi');
    expect(quantityValue(res.limits.memory)!).toBeGreaterThanOrEqual(2 * 2 ** 30);
    expect(warnings(big)).not.toContain('NLD-MEMORY-LIMIT');

    // without overrides: the derived limit and the tier's requests, as before
    const plain = Testing.chart();
    new NodeLocalDns(plain, 'Subject', { profile });
    Testing.synth(plain);
    expect(decision(plain, 'resources.limits.memory')).toMatchObject({ source: DecisionSource.DERIVED });
  });

  test.each([
    ['a request above the limit', { memory: { request: Size.mebibytes(300), limit: Size.mebibytes(200) } },
      "'resources.memory.request' (300Mi) must be <= the memory limit (200Mi): the API server refuses requests above limits"],
    ['a limit below the tier\'s request', { cpu: { limit: kplus.Cpu.millis(10) } },
      "'resources.cpu.limit' (10m) must be >= the CPU request (100m, the default): the API server refuses requests above limits; set 'resources.cpu.request' too"],
    ['CPU finer than a millicore', { cpu: { request: kplus.Cpu.millis(0.5) } }, "'resources.cpu.request' (0.5m) must be a whole number of millicores, at least 1m"],
    ['float noise in cores', { cpu: { request: kplus.Cpu.units(0.1 + 0.2) } }, "'resources.cpu.request' (0.30000000000000004) must be a whole number of millicores, at least 1m"],
    ['an exponent', { cpu: { request: kplus.Cpu.units(1e-7) } }, "'resources.cpu.request' (1e-7) must be a whole number of millicores, at least 1m"],
    ['a Cpu that is not one (JavaScript)', { cpu: { request: '250m' } }, "'resources.cpu.request' (250m) must be a cdk8s-plus Cpu (Cpu.millis(250) or Cpu.units(1))"],
    ['a Size that is not one (JavaScript)', { memory: { limit: 512 } }, "'resources.memory.limit' (512) must be a cdk8s Size (Size.mebibytes(170))"],
    ['a fractional KiB', { memory: { limit: Size.kibibytes(1.5) } }, "'resources.memory.limit' (1.5KiB) must be a positive whole number of KiB"],
    ['an unknown key', { cpus: {} }, "'resources.cpus' is not a property of ContainerResources"],
    ['an unknown nested key', { memory: { limits: Size.mebibytes(1) } }, "'resources.memory.limits' is not a property of MemoryResources"],
    ['not an object', 'big', "'resources' (big) must be a ContainerResources object ({ cpu, memory, ephemeralStorage })"],
  ])('refused at synth with the property, the value and the rule: %s', (_name, resources, message) => {
    expect(() => new TunedCoreDns(Testing.chart(), 'Subject', { profile, deploy: true, resources: resources as any })).toThrow(message);
  });

  test('resources without the workload they size are refused', () => {
    expect(() => new TunedKubeProxy(Testing.chart(), 'Subject', { profile, resources: { cpu: { request: kplus.Cpu.millis(1) } } }))
      .toThrow("[test/Subject] 'resources' needs 'deployDaemonSet' (they are the DaemonSet's container resources)");
    expect(() => new TunedCoreDns(Testing.chart(), 'Subject', { profile, resources: { cpu: { request: kplus.Cpu.millis(1) } } }))
      .toThrow("'resources' needs 'deploy' (they are the Deployment's container resources)");
  });

  test('quantities are read as the API server reads them', () => {
    expect([quantityValue('100m'), quantityValue('1.5'), quantityValue('170Mi'), quantityValue('1G'), quantityValue('1e3'), quantityValue('Mi')])
      .toEqual([0.1, 1.5, 170 * 2 ** 20, 1e9, undefined, undefined]);
  });
});
