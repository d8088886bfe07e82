export * from './types';
export { openSqliteStore } from './sqlite';
