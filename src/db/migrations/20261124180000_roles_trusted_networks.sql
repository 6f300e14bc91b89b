-- Roles and trusted networks (issue 3).
--
-- A role is a named set of rights from the closed catalogue (src/modules/access/rights.ts); a staff
-- user's rights are the union of their roles' rights. Rights are kept as text so that a right
-- later withdrawn from the catalogue only stops counting (it is dropped when rights are loaded)
-- instead of breaking the row. Names are unique regardless of case, as programme names are.
-- `trusted_network_skip` lets the role's users sign in without the second factor from a trusted
-- network; the application refuses it on a role holding an administrative right, and the sign-in
-- decision checks that rule again (the set of administrative rights lives in code, so it is not a
-- CHECK here). `version` is the optimistic-concurrency counter of edits.
CREATE TABLE roles (
  id                    uuid PRIMARY KEY,
  name                  text NOT NULL CHECK (length(btrim(name)) > 0),
  description           text NOT NULL DEFAULT '',
  rights                text[] NOT NULL,
  trusted_network_skip  boolean NOT NULL DEFAULT false,
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  created_by            text NOT NULL
);
CREATE UNIQUE INDEX roles_name_lower_key ON roles (lower(name));

-- Which staff user holds which role. Deleting a user removes their assignments; a role cannot be
-- deleted while anyone holds it (no cascade: the application answers a conflict, and the foreign
-- key catches an assignment racing the deletion).
CREATE TABLE staff_user_roles (
  user_id     uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  role_id     uuid NOT NULL REFERENCES roles (id),
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX staff_user_roles_role_idx ON staff_user_roles (role_id);

-- Network ranges from which a role may let its users skip the second factor. The range is stored
-- in canonical form (network address, RFC 5952 for IPv6, IPv4-mapped ranges as IPv4), so the
-- unique constraint sees "10.1.2.3/8" and "10.0.0.0/8" as the same range. There are few rows; the
-- sign-in decision loads them all and matches in the application.
CREATE TABLE trusted_networks (
  id          uuid PRIMARY KEY,
  cidr        text NOT NULL UNIQUE CHECK (cidr ~ '^[0-9a-f.:]+/[0-9]{1,3}$'),
  label       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);
