/*
 * The rule files the promtool unit tests load: NetworkAlerts in the configurations
 * the tests in this folder exercise, as plain Prometheus rule files.
 */
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ClusterProfile, KubeProxyMode, KubernetesVersion, NetworkAlerts, NodeLocalDns, ScaleTier, TunedCoreDns, TunedKubeProxy } from '../../src';

interface Variant {
  readonly tier: ScaleTier;
  readonly mode: KubeProxyMode;
  readonly version: KubernetesVersion;
}

export const VARIANTS: Record<string, Variant> = {
  'small-iptables': { tier: ScaleTier.SMALL, mode: KubeProxyMode.IPTABLES, version: KubernetesVersion.V1_29 },
  'large-ipvs': { tier: ScaleTier.LARGE, mode: KubeProxyMode.IPVS, version: KubernetesVersion.V1_28 },
  'medium-nftables': { tier: ScaleTier.MEDIUM, mode: KubeProxyMode.NFTABLES, version: KubernetesVersion.V1_33 },
};

/** Rule groups of one variant, every component present. */
export function ruleGroups(v: Variant): any[] {
  const chart = Testing.chart();
  const profile = new ClusterProfile({ kubernetesVersion: v.version, apiServerHost: '10.0.0.1' });
  new TunedKubeProxy(chart, 'KubeProxy', { tier: v.tier, profile, mode: v.mode });
  new TunedCoreDns(chart, 'CoreDns', { tier: v.tier, profile });
  new NodeLocalDns(chart, 'NodeLocalDns', { tier: v.tier, profile });
  const alerts = new NetworkAlerts(chart, 'Alerts', { tier: v.tier, profile });
  Testing.synth(chart); // runs the app's checks
  return YAML.parse(alerts.ruleFileYaml()).groups; // the rule file as Prometheus reads it
}

/**
 * `<name>.yaml` is the file as emitted (promtool check rules); `<name>.unit.yaml`
 * drops the annotations, because promtool's unit tests compare annotations
 * verbatim and the templates are checked by `check rules` already.
 */
export function ruleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, v] of Object.entries(VARIANTS)) {
    const groups = ruleGroups(v);
    files[`${name}.yaml`] = YAML.stringify({ groups });
    const bare = groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations, ...rest }: any) => rest) }));
    files[`${name}.unit.yaml`] = YAML.stringify({ groups: bare });
  }
  return files;
}
