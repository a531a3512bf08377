import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CniPlugin } from './cni-plugin';
import { FlannelBackend } from './flannel-backend';
import { checkProps } from '../core/_boundary';
import { podCidrCapacityProblem } from '../core/_capacity';
import { componentContext, pick, record } from '../core/_component';
import { shownProp } from '../core/_input-names';
import { configMap, meta } from '../core/_k8s';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Options of `FlannelTuning`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface FlannelTuningOptions {
  /**
   * `Backend.Type`: VXLAN works anywhere; host-gw needs every node on one L2 segment.
   *
   * @default - the tier's (vxlan)
   */
  readonly backend?: FlannelBackend;

  /**
   * Namespace of Flannel's DaemonSet and ConfigMap.
   *
   * @default 'kube-flannel' (current upstream manifest; older installs use kube-system)
   */
  readonly flannelNamespace?: string;
}

/** Properties of `FlannelTuning`. */
export interface FlannelTuningProps extends FlannelTuningOptions {
  /**
   * The scale tier.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (its Pod CIDR becomes Flannel's Network).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/**
 * The guide's small-cluster CNI: Flannel's `kube-flannel-cfg` ConfigMap with
 * `net-conf.json` (the profile's Pod CIDR, VXLAN or host-gw) and the standard
 * `cni-conf.json`. Flannel does not enforce NetworkPolicy: a warning says so when
 * the app has policies.
 */
export class FlannelTuning extends Construct {
  /** The net-conf.json text. */
  public readonly netConf: string;
  /** The `kube-flannel-cfg` ConfigMap, for escape hatches such as `addJsonPatch`. */
  public readonly configMap: ApiObject;

  public constructor(scope: Construct, id: string, props: FlannelTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'FlannelTuningProps', props);
    const ctx = componentContext(this, props.tier, props.profile);
    const { errors, profile } = ctx;
    const backend = pick(ctx, 'Backend.Type', props.backend, ctx.settings.flannel.backend);
    errors.oneOf('backend', backend, Object.values(FlannelBackend));
    // host-gw routes pod traffic through the next hop of each node: only nodes on one L2 segment (Flannel backends doc).
    if (backend === FlannelBackend.HOST_GW && !profile.nodesShareL2Segment) {
      ctx.state.warn(this, 'FLANNEL-HOST-GW-L2', `'${shownProp(this, 'backend')}' (host-gw) but the profile does not state nodesShareL2Segment: host-gw only reaches nodes on the same L2 segment, others lose pod traffic`,
        "set the profile's nodesShareL2Segment if the nodes share one segment, or keep the vxlan backend");
    }
    const namespace = props.flannelNamespace ?? 'kube-flannel';
    errors.namespace('flannelNamespace', namespace);

    // kube-flannel runs with --kube-subnet-mgr: each node's subnet is the node's spec.podCIDR, which
    // kube-controller-manager carves from --cluster-cidr in --node-cidr-mask-size blocks.
    const plan = ctx.state.plan();
    const capacity = plan.capacity;
    const v4 = plan.podCidrs.find((c) => c.family === 4);
    const v6 = plan.podCidrs.find((c) => c.family === 6);
    // IPv6: kube-controller-manager's --node-cidr-mask-size-ipv6 default, /64.
    for (const [cidr, prefix] of [[v4, capacity.nodePrefix4], [v6, 64]] as const) {
      const problem = cidr && podCidrCapacityProblem(cidr, prefix, capacity);
      if (problem) errors.add('podCidr', cidr!.text, problem);
    }
    errors.throwIfAny();
    const netConf: Record<string, unknown> = {
      ...(v4 ? { Network: v4.text } : { EnableIPv4: false }),
      ...(v6 ? { EnableIPv6: true, IPv6Network: v6.text } : {}),
      Backend: { Type: backend },
    };
    this.netConf = JSON.stringify(netConf, undefined, 2);
    record(ctx, 'Network', plan.podCidrs.map((c) => c.text).join(','), DecisionSource.DERIVED, `${plan.podCidrFrom} (kube-controller-manager --cluster-cidr must match)`);
    record(ctx, 'kube-controller-manager --node-cidr-mask-size-ipv4', capacity.nodePrefix4, DecisionSource.DERIVED,
      `each node's subnet (node.spec.podCIDR) holds twice ${capacity.podsPerNode} pods; kubeadm: controllerManager.extraArgs node-cidr-mask-size-ipv4 (its default is 24)`);
    const cniConf = {
      name: 'cbr0',
      cniVersion: '0.3.1',
      plugins: [
        { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    };
    this.configMap = configMap(this, 'ConfigMap', {
      metadata: meta('kube-flannel-cfg', namespace, { 'app': 'flannel', 'k8s-app': 'flannel', 'tier': 'node' }),
      data: { 'cni-conf.json': JSON.stringify(cniConf, undefined, 2), 'net-conf.json': this.netConf },
    });

    ctx.state.addOutputFile(this, 'flannel/net-conf.json', () => this.netConf, 'Flannel network config (also in the kube-flannel-cfg ConfigMap), for installs that take it as a file');
    ctx.state.register({
      kind: 'cni', scope: this, profile, tier: ctx.tier, plugin: CniPlugin.FLANNEL, enforcesNetworkPolicy: false,
    }, () => ctx.state.afterApply(this, `kubectl -n ${namespace} rollout restart daemonset kube-flannel-ds: flanneld reads net-conf.json only at start `
      + '(its Network cannot change on a running cluster: node subnets were leased from the old one)'));
  }
}
