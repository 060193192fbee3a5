"""Migration operations that keep a large production table writable.

``AddIndexOnline`` is ``AddIndex`` built with ``CREATE INDEX CONCURRENTLY``
on PostgreSQL: a million check-ins take a while to index, and a plain
``CREATE INDEX`` would block every check-in logged meanwhile. Elsewhere
(SQLite, the zero-setup default) it is plain ``AddIndex``. A migration using
it sets ``atomic = False``: PostgreSQL builds concurrently only outside a
transaction. Its state is ``AddIndex``'s, so ``makemigrations`` sees no
difference.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations import AddIndex


class AddIndexOnline(AddIndex):
    def describe(self) -> str:
        return f"{super().describe()} (concurrently on PostgreSQL)"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
