-- What the search indexes cost during a load (docs/PERFORMANCE.md, "Indexes built after the
-- load"): the first 30,000 article rows of a loaded benchmark database copied, in 30 batches of
-- 1,000 (as the writers' COPY batches), into a table with every index of articles_article in
-- place; into one without indexes, which are then built; and with a 64 MB GIN pending list.
-- Run on a copy (it makes and drops its own tables, the archive's are only read):
--   psql -h 127.0.0.1 -U postgres bench_load -f bench/index_after_load.sql
\timing on
DROP TABLE IF EXISTS bulk_src, bulk_in_place, bulk_after, bulk_pending;
CREATE TABLE bulk_src AS SELECT * FROM articles_article WHERE id <= 30000;

\echo 'indexes in place'
CREATE TABLE bulk_in_place (LIKE articles_article INCLUDING ALL);
DO $$ BEGIN FOR i IN 0..29 LOOP
    INSERT INTO bulk_in_place SELECT * FROM bulk_src WHERE id > i * 1000 AND id <= (i + 1) * 1000;
END LOOP; END $$;

\echo 'no indexes, then each built'
CREATE TABLE bulk_after (LIKE articles_article INCLUDING DEFAULTS);
DO $$ BEGIN FOR i IN 0..29 LOOP
    INSERT INTO bulk_after SELECT * FROM bulk_src WHERE id > i * 1000 AND id <= (i + 1) * 1000;
END LOOP; END $$;
CREATE INDEX ON bulk_after USING gin (search_head);
CREATE INDEX ON bulk_after USING gin (search_body);
CREATE INDEX ON bulk_after USING gin (search_words);
CREATE INDEX ON bulk_after USING gin (ts_filter(search_head, '{a}'));
CREATE INDEX ON bulk_after USING gin (ts_filter(search_head, '{a,b}'));
CREATE INDEX ON bulk_after USING gin (ts_filter(search_words, '{a}'));
CREATE INDEX ON bulk_after USING gin (ts_filter(search_words, '{a,b}'));
CREATE INDEX ON bulk_after USING gin (county_codes);
CREATE UNIQUE INDEX ON bulk_after (id);
CREATE INDEX ON bulk_after (newspaper_id, date);
CREATE INDEX ON bulk_after (page_id);
CREATE INDEX ON bulk_after (newspaper_id);
CREATE UNIQUE INDEX ON bulk_after (page_id, position);
CREATE INDEX ON bulk_after (date DESC NULLS LAST, id DESC) WHERE visible;

\echo 'indexes in place, 64 MB pending lists, merged after'
CREATE TABLE bulk_pending (LIKE articles_article INCLUDING ALL);
SET gin_pending_list_limit = '64MB';
DO $$ BEGIN FOR i IN 0..29 LOOP
    INSERT INTO bulk_pending SELECT * FROM bulk_src WHERE id > i * 1000 AND id <= (i + 1) * 1000;
END LOOP; END $$;
SELECT count(gin_clean_pending_list(c.oid::regclass)) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
 WHERE i.indrelid = 'bulk_pending'::regclass AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'gin');
RESET gin_pending_list_limit;

SELECT pg_size_pretty(pg_total_relation_size('bulk_in_place')) AS in_place,
       pg_size_pretty(pg_total_relation_size('bulk_after')) AS after,
       pg_size_pretty(pg_total_relation_size('bulk_pending')) AS pending;
DROP TABLE bulk_src, bulk_in_place, bulk_after, bulk_pending;
