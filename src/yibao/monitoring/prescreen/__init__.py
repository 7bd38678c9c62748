"""Pre-screen (事前预审): judge one settlement as it is made, against the screening rules that can.

evaluator.py   the rules in plain Python, equal to the batch engine's SQL (no Django)
reference.py   a bureau's knowledge base and registries in memory
history.py     the recent settlements a request is judged against, by person
request.py     the request's JSON: checked and typed records
loading.py     a dataset folder → reference data and history
journal.py     the history appended by every worker, shared through one file per bureau
service.py     per-bureau state in the web process (Django settings, screening runs)
api.py         POST /api/v1/prescreen
"""
