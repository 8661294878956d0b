"""In-app and e-mail notifications, sent after the transaction that caused them commits."""
