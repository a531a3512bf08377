export * from './corefile-plugin';
export * from './corefile';
export * from './tuned-coredns';
export * from './node-local-dns';
export * from './pod-dns-tuning';
export * from './dns-lookup-cost';
