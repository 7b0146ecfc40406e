"A user module that raises (not ImportError) when imported (used by tests/test_user_act.py)."
raise RuntimeError("this module fails at import")
