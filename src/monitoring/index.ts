export * from './network-alerts';
export * from './alert-enums';
