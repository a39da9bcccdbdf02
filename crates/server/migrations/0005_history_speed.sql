-- The location history takes ~10,000 rows/s at full load; every index costs a random b-tree
-- insert per row. Pruning by age runs hourly and can afford a scan, so only the
-- (vehicle_id, ts) index that vehicle:history needs stays.
DROP INDEX IF EXISTS locations_by_ts;
