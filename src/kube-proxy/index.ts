export * from './kube-proxy-mode';
export * from './kube-proxy-options';
export * from './tuned-kube-proxy';
