"""The context each document kind is filled from: base.py (settings, input, shared parts) and one module of
builders for each stage of the case."""
