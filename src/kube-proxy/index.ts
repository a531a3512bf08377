export * from './kube-proxy-mode';
