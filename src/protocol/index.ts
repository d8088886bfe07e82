export * from './context';
export * from './events';
export * from './ids';
export * from './lead';
export * from './limits';
export * from './rules';
export * from './types';
export * from './validate';
