export * from './core';
export * from './kube-proxy';
export * from './node';
export * from './dns';
export * from './policy';
export * from './service';
export * from './cni';
export * from './monitoring';
