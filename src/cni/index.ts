export * from './cni-plugin';
export * from './calico-encapsulation';
export * from './cilium-modes';
export * from './flannel-backend';
