"""Editorial writes: every change to a story, made once for the admin, the importer and tests."""
