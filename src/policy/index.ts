export * from './default-deny-policy';
export * from './policy-peer';
export * from './allow-policy';
export * from './policy-lint';
