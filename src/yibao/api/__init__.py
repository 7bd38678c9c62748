"""The JSON API under /api/v1/: one Django Ninja instance (main.py) with the leads, cases and catalogue
routers, personal API tokens (models.py, tokens.py) and the one error shape every JSON answer uses
(errors.py). The pre-screen keeps its own view and WSGI fast path; its schema is declared here."""
