import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { AuditFinding } from './_audit';
import type { CiliumSource } from './_audit-discovery';
import { AuditInput, calicoEnum, CiliumReading, objectId, ReadProblem } from './_audit-facts';
import type { ClusterSettings } from './_audit-tier';
import { isPlainObject } from '../core/_boundary';
import {
  CalicoBpfLogLevel, CalicoLogSeverity, CalicoTuning, CiliumTuning, ClusterProfile, FindingSeverity, FlannelBackend, FlannelTuning, ScaleTier,
} from '../index';

/*
 * The audit's CNI readers: Cilium's values or agent configuration as CiliumTuning, Calico's
 * FelixConfiguration and IP pools as CalicoTuning, Flannel's net-conf.json as FlannelTuning.
 */

type Obj = Record<string, any>;
type Common = { tier: ScaleTier; profile: ClusterProfile };

/** What a reader reports into and builds with: the audit of one cluster. */
export interface AuditScope {
  readonly findings: AuditFinding[];
  readonly problems: ReadProblem[];
  readonly settings: ClusterSettings;
  finding(input: AuditInput | undefined, ruleId: string, severity: FindingSeverity, message: string, fix: string): AuditFinding;
  component(chart: Chart, id: string, input: AuditInput, ruleId: string, names: { label: string; names?: Record<string, string> },
    build: (scope: Construct, id: string) => void): void;
}

export function ciliumComponent(
  audit: AuditScope, chart: Chart, common: Common, cilium: CiliumSource | undefined, reading: CiliumReading | undefined,
): void {
  if (!cilium || !reading) return;
  const { props, names } = reading;
  if (cilium.chartVersion) props.chartVersion = cilium.chartVersion;
  for (const r of reading.removed) {
    const refused = cilium.chartVersion !== undefined && compareVersions(cilium.chartVersion, r.since) >= 0;
    audit.findings.push(audit.finding(cilium.input, 'CILIUM-REMOVED-VALUE', refused ? FindingSeverity.ERROR : FindingSeverity.WARNING,
      `${cilium.field}${r.message}${cilium.chartVersion ? ` (chart ${cilium.chartVersion})` : ' (the chart version is not known)'}`, `replace '${r.key}' with its current form before upgrading the chart`));
  }
  audit.settings.set('cni', { value: 'cilium', from: cilium.label });
  for (const [k, v] of Object.entries(props)) audit.settings.set(`cilium.${k}`, { value: v, from: cilium.label });
  audit.component(chart, 'Cilium', cilium.input, 'CILIUM-CONFIG', { label: cilium.label, names },
    (s, id) => new CiliumTuning(s, id, { ...props, helmRelease: false, ...common }));
}

export function calicoComponent(audit: AuditScope, chart: Chart, common: Common, felix: AuditInput | undefined, pools: AuditInput[]): void {
  if (!felix && pools.length === 0) return;
  const spec = felix?.object.spec ?? {};
  const props: Record<string, unknown> = {};
  for (const k of ['bpfEnabled', 'bpfExternalServiceMode', 'nftablesMode', 'ipForwarding']) if (spec[k] !== undefined && spec[k] !== '') props[k] = spec[k];
  // Felix's log levels are case-insensitive and "" is unset (the CRD's patterns); Trace is valid but not the library's
  for (const [k, allowed] of [['bpfLogLevel', Object.values(CalicoBpfLogLevel)], ['logSeverityScreen', Object.values(CalicoLogSeverity)]] as const) {
    const v = calicoEnum(spec[k], allowed);
    if (v.value) props[k] = v.value;
    if (v.unknown) audit.settings.set(`calico.${k}`, { value: v.unknown, from: 'FelixConfiguration default' });
  }
  if (pools.length > 0) {
    props.ipPools = pools.map((p) => {
      const s = p.object.spec ?? {};
      const pool = {
        name: p.object.metadata?.name,
        cidr: s.cidr,
        vxlanMode: s.vxlanMode,
        ipipMode: s.ipipMode,
        natOutgoing: s.natOutgoing,
        blockSize: s.blockSize,
        nodeSelector: s.nodeSelector,
      };
      return Object.fromEntries(Object.entries(pool).filter(([, v]) => v !== undefined));
    });
  }
  audit.settings.set('cni', { value: 'calico', from: 'FelixConfiguration/IPPool' });
  for (const k of ['bpfEnabled', 'bpfLogLevel', 'logSeverityScreen', 'ipForwarding']) if (props[k] !== undefined) audit.settings.set(`calico.${k}`, { value: props[k], from: 'FelixConfiguration default' });
  const pool = (props.ipPools as Array<Record<string, unknown>> | undefined)?.[0];
  for (const k of ['vxlanMode', 'ipipMode', 'natOutgoing', 'blockSize']) if (pool?.[k] !== undefined) audit.settings.set(`calico.${k}`, { value: pool[k], from: `IPPool ${pool.name}` });
  const input = felix ?? pools[0];
  const names = Object.fromEntries(pools.map((p, i) => [`ipPools[${i}]`, `IPPool/${p.object.metadata?.name} spec`]));
  audit.component(chart, 'Calico', input, 'CALICO-CONFIG', { label: objectId(input.object), names }, (s, id) => new CalicoTuning(s, id, { ...props, ...common }));
}

export function flannelConfig(get: (id: string) => AuditInput | undefined): { input: AuditInput; conf?: Obj } | undefined {
  const input = get('ConfigMap/kube-flannel/kube-flannel-cfg') ?? get('ConfigMap/kube-system/kube-flannel-cfg');
  if (!input) return undefined;
  try {
    const conf = JSON.parse(input.object.data?.['net-conf.json'] ?? '{}');
    return { input, ...(isPlainObject(conf) ? { conf } : {}) };
  } catch {
    return { input };
  }
}

export function flannelComponent(audit: AuditScope, chart: Chart, common: Common, get: (id: string) => AuditInput | undefined): void {
  const flannel = flannelConfig(get);
  if (!flannel) return;
  if (!flannel.conf) {
    audit.problems.push({ input: flannel.input, ruleId: 'FLANNEL-CONFIG', message: 'data["net-conf.json"] is not a JSON object', fix: 'fix net-conf.json: flanneld refuses to start with it' });
    return;
  }
  const backend = flannel.conf.Backend?.Type;
  const known = Object.values(FlannelBackend) as string[];
  if (typeof backend === 'string' && !known.includes(backend)) {
    audit.findings.push(audit.finding(flannel.input, 'AUDIT-NOT-MODELLED', FindingSeverity.WARNING,
      `data["net-conf.json"] Backend.Type ${backend} is a flannel backend the library does not model (${known.join(', ')}): its checks were not run`, 'nothing to change if the backend is intended'));
  }
  audit.settings.set('cni', { value: 'flannel', from: 'kube-flannel-cfg' });
  audit.component(chart, 'Flannel', flannel.input, 'FLANNEL-CONFIG', { label: objectId(flannel.input.object), names: { backend: 'data["net-conf.json"] Backend.Type' } },
    (s, id) => new FlannelTuning(s, id, { ...(typeof backend === 'string' && known.includes(backend) ? { backend: backend as FlannelBackend } : {}), ...common }));
}

/** a >= b for x.y.z versions (a leading v allowed). */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((x) => Number(x) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
