"""Operations: backup and restore of a whole installation (decision 0023).

This app sits on top of the others (like ``web``): it reads every app's data to save it and
calls their checks (audit chain, document checksums, search index) after a restore.
"""
