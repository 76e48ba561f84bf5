"""Rogatory: international cooperation in criminal matters."""
