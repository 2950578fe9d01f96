/** Where the test PostgreSQL server is, as global setup found or started it. */
export interface TestServer {
  adminUrl: string;
  templateDatabase: string;
}

export const TEST_SERVER_FILE_ENV = 'SUYUAN_TEST_SERVER';
