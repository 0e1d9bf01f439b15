// Loaded with `--import`: makes `ioredis` unresolvable, as in a project that did not install the optional peer.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'ioredis') {
    const error = new Error("Cannot find package 'ioredis'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`)}`,
);
