export * from './events';
export * from './ids';
export * from './limits';
export * from './types';
export * from './validate';
