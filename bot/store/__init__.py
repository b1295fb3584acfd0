"""What the bot keeps on disk: one SQLite file under BOT_DATA_DIR, a table per kind of record."""
