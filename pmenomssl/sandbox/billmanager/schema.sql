-- The subset of BILLmanager's schema the module reads (billmanager-protocol.md section 3.3),
-- plus what the stand-in's mgrctl records. One file for MariaDB and SQLite: keep to types and
-- syntax both accept; `AUTO_INCREMENT` becomes `AUTOINCREMENT` for SQLite (store.py).
-- Stand-in-only columns/tables are marked "stand-in".

CREATE TABLE itemtype (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  intname VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL DEFAULT ''
);

CREATE TABLE pricelist (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  intname VARCHAR(255) NOT NULL DEFAULT '',
  name VARCHAR(255) NOT NULL DEFAULT '',
  itemtype INTEGER NULL,
  parent INTEGER NULL
);

CREATE TABLE processingmodule (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL DEFAULT '',
  module VARCHAR(64) NOT NULL,
  active VARCHAR(3) NOT NULL DEFAULT 'on',
  orderpriority INTEGER NOT NULL DEFAULT 0,
  config MEDIUMTEXT NULL
);

CREATE TABLE processingmodule2pricelist (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  processingmodule INTEGER NOT NULL,
  pricelist INTEGER NOT NULL
);

CREATE TABLE item (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL DEFAULT '',
  pricelist INTEGER NULL,
  processingmodule INTEGER NULL,
  account INTEGER NULL,
  parent INTEGER NULL,
  lastpricelist INTEGER NULL,
  intvalue INTEGER NULL,
  period INTEGER NULL,
  status INTEGER NOT NULL DEFAULT 1,
  expiredate DATE NULL,
  opendate DATE NULL,
  remoteid VARCHAR(255) NOT NULL DEFAULT ''
);

CREATE TABLE itemparam (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item INTEGER NOT NULL,
  intname VARCHAR(255) NOT NULL,
  value MEDIUMTEXT NULL
);
CREATE UNIQUE INDEX itemparam_item_intname ON itemparam (item, intname);

CREATE TABLE itemcryptedparam (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item INTEGER NOT NULL,
  intname VARCHAR(255) NOT NULL,
  value MEDIUMTEXT NULL
);
CREATE UNIQUE INDEX itemcryptedparam_item_intname ON itemcryptedparam (item, intname);

-- `status` and `crt_type` are stand-in columns: what certificate.open/save/failed recorded.
CREATE TABLE certificate (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item INTEGER NOT NULL,
  pkey MEDIUMTEXT NULL,
  csr MEDIUMTEXT NULL,
  crt MEDIUMTEXT NULL,
  crt_type VARCHAR(16) NOT NULL DEFAULT '',
  status VARCHAR(16) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX certificate_item ON certificate (item);

CREATE TABLE processingparam (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  processingmodule INTEGER NOT NULL,
  intname VARCHAR(255) NOT NULL,
  value MEDIUMTEXT NULL
);
CREATE UNIQUE INDEX processingparam_pm_intname ON processingparam (processingmodule, intname);

CREATE TABLE processingcryptedparam (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  processingmodule INTEGER NOT NULL,
  intname VARCHAR(255) NOT NULL,
  value MEDIUMTEXT NULL
);
CREATE UNIQUE INDEX processingcryptedparam_pm_intname
  ON processingcryptedparam (processingmodule, intname);

CREATE TABLE pricelistparam (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  pricelist INTEGER NOT NULL,
  intname VARCHAR(255) NOT NULL,
  value MEDIUMTEXT NULL
);

-- `operation`, `manual`, `errorxml`, `closed` (set by the post calls) are what the stand-in shows.
CREATE TABLE runningoperation (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item INTEGER NULL,
  operation VARCHAR(64) NOT NULL DEFAULT '',
  trycount INTEGER NOT NULL DEFAULT 0,
  manual VARCHAR(3) NOT NULL DEFAULT 'off',
  errorxml MEDIUMTEXT NULL,
  closed VARCHAR(3) NOT NULL DEFAULT 'off'
);

CREATE TABLE task (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item INTEGER NULL,
  runningoperation INTEGER NULL,
  type VARCHAR(64) NOT NULL DEFAULT '',
  params MEDIUMTEXT NULL,
  created VARCHAR(19) NOT NULL DEFAULT ''
);

-- BILLmanager's country list: order forms keep a country as its id (`org_country`);
-- pmopenprovider reads `SELECT iso2 FROM country WHERE id=…`. Only the columns read here.
CREATE TABLE country (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL DEFAULT '',
  iso2 VARCHAR(2) NOT NULL DEFAULT '',
  iso3 VARCHAR(3) NOT NULL DEFAULT ''
);

-- stand-in: the admin problems `problems.register` raised (module.cpp's call) and the
-- module's clearing call removed (`obj` is the call's `id`, `params` its param_* as JSON).
CREATE TABLE problem (
  id INTEGER NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(64) NOT NULL,
  obj VARCHAR(64) NOT NULL DEFAULT '',
  level VARCHAR(16) NOT NULL DEFAULT '',
  params MEDIUMTEXT NULL
);

-- stand-in: what processing.savebalance stored.
CREATE TABLE processingmodulebalance (
  processingmodule INTEGER NOT NULL PRIMARY KEY,
  balance VARCHAR(64) NOT NULL DEFAULT '',
  currency VARCHAR(16) NOT NULL DEFAULT '',
  notify_time VARCHAR(19) NOT NULL DEFAULT ''
);
