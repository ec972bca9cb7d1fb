const { Client } = require('pg');

module.exports = async () => {
  const url = process.env.SWITCHYARD_TEST_DATABASE;
  if (!url || process.env.KEEP_TEST_DATABASE) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
};
