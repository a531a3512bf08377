export * from './sysctl-catalogue';
export * from './sysctl-tuner';
export * from './pod-sysctl-tuning';
