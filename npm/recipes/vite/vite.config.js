// Nothing signaltrace needs: Vite emits the .wasm it finds through
// `new URL('./signaltrace_bg.wasm', import.meta.url)` in the package.
import { defineConfig } from 'vite';

export default defineConfig({ build: { outDir: 'dist' } });
