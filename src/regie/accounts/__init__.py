"""Users, roles, scope and the audit log: the app at the bottom of the shell.

Every other app may import it; it imports none of them (import-linter's layers contract in
pyproject.toml). It refers to the catalog's regions and providers by model name only
(``"catalog.Region"``), so the database knows the link while the code stays one-way.
"""
