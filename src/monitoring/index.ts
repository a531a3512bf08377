export * from './network-alerts';
