-- Which version of the search documents (server/store/search.py, SEARCH_FORMAT) the rows
-- hold. When the code's is newer, the first node to start rebuilds every document in
-- one transaction and records the new version (documents are built in Python, so a SQL
-- migration cannot rebuild them).
CREATE TABLE search_format (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   integer NOT NULL
);
INSERT INTO search_format (version) VALUES (1);
