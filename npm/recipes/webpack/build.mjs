// `node build.mjs` builds with webpack's Node API (webpack-cli 7 needs Node 22).
import webpack from 'webpack';
import config from './webpack.config.js';

const stats = await new Promise((resolve, reject) =>
  webpack(config, (err, result) => (err ? reject(err) : resolve(result))),
);
if (stats.hasErrors()) {
  console.error(stats.toString('errors-only'));
  process.exit(1);
}
