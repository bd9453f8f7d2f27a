-- ---------------------------------------------------------------------------------------------
-- @incidents/store-turso — migration 003: login credentials.
--
-- One row per user holding the encoded password hash (argon2id, hashed by the app: the SDK never
-- sees a password). Kept out of `users` so that no query of getUser()/listUsers() can return it by
-- accident; written by setUserCredentials(), read by getUserCredentials() (the login step).
-- Deleting a user deletes its credentials.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE user_credentials (
  user_id       INTEGER NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  password_hash TEXT    NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 1024),
  updated_at    TEXT    NOT NULL
);
