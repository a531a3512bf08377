export * from './scale-tier';
export * from './kubernetes-version';
export * from './compatibility';
export * from './cluster-profile';
export * from './tier-table';
export * from './report-types';
export * from './report';
export * from './kubelet-config-file';
