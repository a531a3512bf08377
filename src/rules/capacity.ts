import { serviceAddresses } from '../core/_capacity';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * The Service CIDR holds every planned Service: kube-apiserver allocates ClusterIPs from
 * it and refuses Services once it is full ("failed to allocate a serviceIP: range is full").
 */
export const SERVICE_CIDR_CAPACITY: CrossComponentRule = {
  id: 'SERVICE-CIDR-CAPACITY',
  description: 'the Service CIDR holds the Services the cluster is planned for',
  evaluate(state: AppState): RawFinding[] {
    const first = state.allComponents()[0];
    if (!first) return [];
    const { profile, capacity } = state.plan();
    return profile._serviceCidrs.filter((c) => serviceAddresses(c) < BigInt(capacity.services)).map((c) => ({
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: first.scope,
      message: `'serviceCidr' (${c.text}) holds ${serviceAddresses(c)} Services; ${capacity.servicesFrom} plans for ${capacity.services}`,
      fix: `use a /${(c.family === 4 ? 32 : 128) - Math.ceil(Math.log2(capacity.services + 3))} or larger Service CIDR, or plan for fewer Services`,
    }));
  },
};

/**
 * The conntrack table holds the node's tracked flows: at nf_conntrack_max the kernel drops
 * new connections ("nf_conntrack: table full, dropping packet").
 */
export const CONNTRACK_CAPACITY: CrossComponentRule = {
  id: 'CONNTRACK-CAPACITY',
  description: "the conntrack table holds the tier's tracked flows per node",
  evaluate(state: AppState): RawFinding[] {
    const { conntrack, capacity } = state.plan();
    const kp = conntrack.kubeProxy;
    let max: number | undefined;
    let from = '';
    let scope;
    if (kp && kp.max > 0) {
      max = kp.max;
      from = `kube-proxy writes ${kp.maxFrom}`;
      scope = kp.scope;
    } else {
      const tuner = state.components('sysctl-tuner')[0];
      const value = tuner?.effectiveSysctls['net.netfilter.nf_conntrack_max'];
      if (tuner && value !== undefined) {
        max = Number(value);
        from = 'the SysctlTuner writes it';
        scope = tuner.scope;
      }
    }
    if (max === undefined || scope === undefined || max >= capacity.conntrackEntries) return [];
    return [{
      ruleId: this.id,
      severity: FindingSeverity.WARNING,
      scope,
      message: `nf_conntrack_max is ${max} (${from}); the nodes are planned for ${capacity.conntrackEntries} tracked flows (${capacity.conntrackFrom}): a full table drops new connections`,
      fix: kp && kp.max > 0 ? "raise the TunedKubeProxy's conntrack.min (or maxPerCore)" : "raise 'sysctls[net.netfilter.nf_conntrack_max]'",
    }];
  },
};
