/**
 * The smallest SQL interface both drivers share: node-postgres pools and PGlite. The embedded
 * engine receives one of these for its record log, so it shares the product's database
 * without depending on the server's query layer; the engine defines it.
 */
export { poolSqlClient, type SqlClient } from '../../../engine/state/sql'
