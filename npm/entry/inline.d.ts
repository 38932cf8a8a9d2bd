// signaltrace/inline: the same API as 'signaltrace', the .wasm inlined (ready on import).
export * from './index.js';
