import { blockSize, cidrsOverlap, formatIp, parseCidr, ParsedCidr } from './_net';
import { tierSettings } from './_tier-table';
import { ClusterProfile } from './cluster-profile';
import { ScaleTier } from './scale-tier';

/*
 * What the cluster must hold: nodes, pods per node and Services, from the profile or,
 * when it does not say, the tier's upper bound. Every IPAM output is checked against it.
 */

/** The size a cluster is planned for. */
export interface CapacityPlan {
  readonly nodes: number;
  /** Who said so, for messages: "the profile" or "the large tier". */
  readonly nodesFrom: string;
  readonly podsPerNode: number;
  readonly services: number;
  readonly servicesFrom: string;
  /** Tracked connections a node must hold. */
  readonly conntrackEntries: number;
  readonly conntrackFrom: string;
  /**
   * The per-node Pod CIDR prefix: twice the node's pods, so addresses of terminating
   * pods do not starve new ones (/24 for kubelet's default 110, as kube-controller-manager's
   * --node-cidr-mask-size and Cilium's clusterPoolIPv4MaskSize default to).
   */
  readonly nodePrefix4: number;
  readonly nodePrefix6: number;
}

export function capacityOf(profile: ClusterProfile, tier: ScaleTier): CapacityPlan {
  const c = tierSettings(tier).capacity;
  const nodes = profile.nodes ?? c.nodes.value;
  const podsPerNode = profile.maxPodsPerNode ?? c.maxPodsPerNode.value;
  const services = profile.services ?? c.services.value;
  const hostBits = Math.ceil(Math.log2(2 * podsPerNode));
  return {
    nodes,
    nodesFrom: profile.nodes !== undefined ? "the profile's 'nodes'" : `the ${tier} tier (set the profile's 'nodes' to plan for fewer)`,
    podsPerNode,
    services,
    servicesFrom: profile.services !== undefined ? "the profile's 'services'" : `the ${tier} tier (set the profile's 'services' to plan for fewer)`,
    conntrackEntries: podsPerNode * c.conntrackEntriesPerPod.value,
    conntrackFrom: `${podsPerNode} pods per node × ${c.conntrackEntriesPerPod.value} tracked flows each (${tier} tier)`,
    nodePrefix4: 32 - hostBits,
    nodePrefix6: 128 - hostBits,
  };
}

/** How many per-node blocks of `/nodePrefix` a CIDR holds (0 when one block is larger than the CIDR). */
export function blocksOf(cidr: ParsedCidr, nodePrefix: number): bigint {
  return nodePrefix < cidr.prefix ? 0n : 2n ** BigInt(nodePrefix - cidr.prefix);
}

/**
 * The problem with a Pod CIDR that cannot give every planned node its block, in the
 * library's style: `with /24 per node fits 256 nodes; ... plans for 5000: use a /11 or larger`.
 */
export function podCidrCapacityProblem(cidr: ParsedCidr, nodePrefix: number, capacity: CapacityPlan): string | undefined {
  const blocks = blocksOf(cidr, nodePrefix);
  if (blocks >= BigInt(capacity.nodes)) return undefined;
  const needed = nodePrefix - Math.ceil(Math.log2(capacity.nodes));
  return `with /${nodePrefix} per node fits ${blocks} node${blocks === 1n ? '' : 's'}; ${capacity.nodesFrom} plans for ${capacity.nodes}: `
    + `use a /${needed} or larger, or a smaller per-node block (fewer 'maxPodsPerNode')`;
}

/** The guide's Pod CIDR, 10.244.0.0/16. */
export const GUIDE_POD_CIDR = parseCidr('10.244.0.0/16')!;

/**
 * The Pod CIDR used when the profile states none: the guide's 10.244.0.0/16, or the
 * aligned supernet of 10.244.0.0 large enough for every planned node's block
 * (10.244.0.0/15 for 500 nodes, 10.224.0.0/11 for 5,000).
 */
export function defaultPodCidr(capacity: CapacityPlan): ParsedCidr {
  const prefix = Math.min(GUIDE_POD_CIDR.prefix, capacity.nodePrefix4 - Math.ceil(Math.log2(capacity.nodes)));
  if (prefix >= GUIDE_POD_CIDR.prefix) return GUIDE_POD_CIDR;
  const size = 2n ** BigInt(32 - prefix);
  const network = (GUIDE_POD_CIDR.network / size) * size;
  return parseCidr(`${formatIp(4, network)}/${prefix}`)!;
}

/** Whether a default Pod CIDR would collide with the Service CIDRs. */
export function collides(cidr: ParsedCidr, services: readonly ParsedCidr[]): boolean {
  return services.some((s) => cidrsOverlap(s, cidr));
}

/** Addresses a Service CIDR gives to Services: all but the network address, the `kubernetes` Service and (IPv4) the broadcast. */
export function serviceAddresses(cidr: ParsedCidr): bigint {
  return blockSize(cidr) - (cidr.family === 4 ? 3n : 2n);
}
