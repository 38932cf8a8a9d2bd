// signaltrace/web: the same API as 'signaltrace'; nothing loads until init().
export * from './index.js';
