"""The wire desk: urgency and sluglines, the reporter-to-desk hand-off, notices to the
people on a story, and the body's simple markup."""
