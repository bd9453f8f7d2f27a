/** `import sql from '../migrations/001_initial.sql?raw'`: the file's text, embedded at build time. */
declare module '*.sql?raw' {
  const sql: string;
  export default sql;
}
