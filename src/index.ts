export * from './core';
export * from './kube-proxy';
export * from './cni';
