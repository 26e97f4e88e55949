/** The central endpoint: build an app over a database, and its pieces for tools and tests. */
export { createApp, type App, type AppOptions } from './app';
export { openDatabase, type Database, type Queryable } from './db/database';
export { bootstrap } from './bootstrap';
export { createDevice, createStaff, createStore, createToken } from './api-admin';
export { hashEnvelope } from './crypto';
export { loadConfig } from './config';
