"""Read replica routing, active only when DATABASE_REPLICA_URL is set (see docs/deployment.md).
Reads go to the replica, writes and everything inside a transaction to the primary."""

from django.db import transaction


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
